package dev.awdlm.config;

/** A configuration value that cannot be used. The CLI maps it to exit code 2. */
public final class ConfigError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigError(String key, Object value, String reason) {
    super(key + " = " + render(value) + ": " + reason);
    this.key = key;
  }

  public ConfigError(String key, String message) {
    super(key + ": " + message);
    this.key = key;
  }

  /** The first ConfigError in {@code t}'s cause chain ({@code t} included), or null. */
  public static ConfigError within(Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ConfigError c) return c;
    }
    return null;
  }

  /** The full config key, e.g. {@code model.dropout}. */
  public String key() {
    return key;
  }

  private static String render(Object value) {
    return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
  }
}
