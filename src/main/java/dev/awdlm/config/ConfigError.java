package dev.awdlm.config;

/**
 * A configuration value that cannot be used. The CLI maps it to exit code 2. The key and the value
 * are shown with control characters escaped, so a newline or a terminal escape sequence in what the
 * user typed cannot break the one-line message or forge output.
 */
public final class ConfigError extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;
  private final String key;

  public ConfigError(String key, Object value, String reason) {
    super(escape(key) + " = " + render(value) + ": " + reason);
    this.key = key;
  }

  public ConfigError(String key, String message) {
    super(escape(key) + ": " + message);
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
    return value instanceof String s ? "'" + escape(s) + "'" : escape(String.valueOf(value));
  }

  /** Control characters as Java escapes: {@code \n}, {@code \t}, {@code \r}, else {@code \}{@code uXXXX}. */
  static String escape(String s) {
    if (s == null || s.chars().noneMatch(Character::isISOControl)) return s;
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (char c : s.toCharArray()) {
      switch (c) {
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return b.toString();
  }
}
