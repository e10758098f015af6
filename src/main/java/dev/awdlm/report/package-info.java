/**
 * Report stage: the machine-readable record of a run ({@code report/report.json}), written
 * atomically to any Hadoop filesystem.
 */
package dev.awdlm.report;
