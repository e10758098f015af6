/**
 * Report stage: the record of a run in {@code report/} ({@code report.json} for machines,
 * {@code epochs.csv}, {@code report.html} with its charts, {@code _SUCCESS} last), and the
 * {@code latest} and {@code index.json} of the output directory, each written atomically to any
 * Hadoop filesystem.
 */
package dev.awdlm.report;
