/**
 * Benchmarks behind {@code awdlm bench}: each measures a figure and the baseline it is compared
 * with in the same run, and publishes one JSON object (stdout's last line and
 * {@code <output.dir>/bench/<name>.json}). Each is {@code XBench.run(options, config, overrides,
 * out)}, with its options as a record validated at construction; the {@code cli} command only
 * parses them. Model sizes and regularization come from {@link dev.awdlm.config.Presets}.
 */
package dev.awdlm.bench;
