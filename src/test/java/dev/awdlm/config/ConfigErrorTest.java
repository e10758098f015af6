package dev.awdlm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class ConfigErrorTest {

  /** A value is printed on one line, so a newline or a terminal escape in it cannot forge or hide output. */
  @Test
  void controlCharactersInAValueAreEscaped() {
    assertEquals("k = 'a\\nb\\tc\\rd\\u0007e': bad", new ConfigError("k", "a\nb\tc\rd\u0007e", "bad").getMessage());
    assertEquals("k = 'plain, unicode \u00e9\u4e2d': bad", new ConfigError("k", "plain, unicode \u00e9\u4e2d", "bad").getMessage());
  }
}
