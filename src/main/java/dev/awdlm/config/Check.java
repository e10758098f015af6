package dev.awdlm.config;

/** Validators shared by the config records; each names the key it rejects. */
final class Check {
  private Check() {}

  static int positive(String key, int value) {
    if (value <= 0) throw new ConfigError(key, value, "must be > 0");
    return value;
  }

  static int nonNegative(String key, int value) {
    if (value < 0) throw new ConfigError(key, value, "must be >= 0");
    return value;
  }

  static double positive(String key, double value) {
    if (!(value > 0) || Double.isInfinite(value)) throw new ConfigError(key, value, "must be a finite number > 0");
    return value;
  }

  static double nonNegative(String key, double value) {
    if (!(value >= 0) || Double.isInfinite(value)) throw new ConfigError(key, value, "must be a finite number >= 0");
    return value;
  }

  /** Dropout probabilities: p = 1 would drop everything and divide by zero when rescaling. */
  static double probability(String key, double value) {
    if (!(value >= 0 && value < 1)) throw new ConfigError(key, value, "must be in [0, 1)");
    return value;
  }

  static String nonBlank(String key, String value) {
    if (value == null || value.isBlank()) throw new ConfigError(key, value, "must not be empty");
    return value;
  }
}
