package dev.awdlm.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * An enum of a setting's allowed values. A constant is written in the configuration as its name in
 * lowercase with {@code -} for {@code _} ({@code AWD_LSTM} is {@code awd-lstm}), exactly: that
 * spelling is what {@code reference.conf} documents and what the saved configuration JSON keeps.
 */
public interface ConfigEnum {
  String name();

  /** The spelling in the configuration. */
  default String configValue() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The constant spelled {@code value}, or a {@link ConfigError} naming {@code key} and every allowed value. */
  static <E extends Enum<E> & ConfigEnum> E parse(String key, String value, Class<E> type) {
    for (E e : type.getEnumConstants()) {
      if (e.configValue().equals(value)) return e;
    }
    throw new ConfigError(key, value, allowed(type));
  }

  /** {@code value}, which a record's caller may have left null. */
  static <E extends Enum<E> & ConfigEnum> E require(String key, E value, Class<E> type) {
    if (value == null) throw new ConfigError(key, "missing: " + allowed(type));
    return value;
  }

  private static <E extends Enum<E> & ConfigEnum> String allowed(Class<E> type) {
    return "must be one of " + Arrays.stream(type.getEnumConstants()).map(ConfigEnum::configValue).collect(Collectors.joining(", "));
  }
}
