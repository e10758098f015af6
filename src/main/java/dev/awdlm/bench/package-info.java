/**
 * Benchmarks behind {@code awdlm bench}: each measures a figure and the baseline it is compared
 * with in the same run, and publishes one JSON object (stdout's last line and
 * {@code <output.dir>/bench/<name>.json}).
 */
package dev.awdlm.bench;
