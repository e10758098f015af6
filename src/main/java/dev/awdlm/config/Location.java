package dev.awdlm.config;

import org.apache.hadoop.fs.Path;

/**
 * A user-supplied location as a Hadoop path, parsed once where the value enters (a config record,
 * an option). {@code file:} URIs may be relative to the working directory ({@code file:./runs},
 * the default output), which Hadoop's {@link Path} rejects.
 */
public final class Location {
  private Location() {}

  /** @param key the config key or option the value came from, named in the error */
  public static Path parse(String key, String location) {
    Check.nonBlank(key, location);
    try {
      if (location.startsWith("file:") && !location.startsWith("file:/")) {
        return new Path("file", null, java.nio.file.Path.of(location.substring("file:".length())).toAbsolutePath().normalize().toString());
      }
      return new Path(location);
    } catch (IllegalArgumentException e) {
      throw new ConfigError(key, location, "is not a valid path or URI: " + e.getMessage());
    }
  }
}
