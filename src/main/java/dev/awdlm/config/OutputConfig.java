package dev.awdlm.config;

/** @param dir root URI of all runs (any Hadoop filesystem); a run writes under {@code <dir>/<runId>/}. */
public record OutputConfig(String dir) {
  public OutputConfig {
    Check.nonBlank("output.dir", dir);
  }
}
