package dev.awdlm.config;

import org.apache.hadoop.fs.Path;

/**
 * @param dir root URI of all runs (any Hadoop filesystem); a run writes under {@code <dir>/<runId>/}.
 *     Its syntax is checked here; whether Hadoop has a filesystem for its scheme and host is checked
 *     before Spark starts (a lookup that needs the Hadoop configuration).
 */
public record OutputConfig(String dir) {
  public OutputConfig {
    Location.parse("output.dir", dir);
  }

  /** {@link #dir} as a Hadoop path, relative {@code file:} URIs made absolute. */
  public Path root() {
    return Location.parse("output.dir", dir);
  }
}
