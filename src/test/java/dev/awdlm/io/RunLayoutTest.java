package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigError;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunLayoutTest {
  private static final Path OUT = new Path("/runs");

  /** A run directory of these names would take the place of a file awdlm writes under output.dir. */
  @ParameterizedTest
  @ValueSource(strings = {"latest", "index.json", "bench", "Latest", "INDEX.JSON"})
  void namesAwdlmWritesUnderTheOutputDirAreNotRunIds(String id) {
    ConfigError e = assertThrows(ConfigError.class, () -> RunLayout.of(OUT, id));
    assertEquals("--run-id", e.key());
    assertTrue(e.getMessage().contains("'" + id + "'") && e.getMessage().contains("reserved"), e.getMessage());
  }

  @Test
  void aRunIdLongerThanTheLimitIsRefusedNamingIt() {
    assertEquals("a".repeat(200), RunLayout.of(OUT, "a".repeat(200)).runId());
    ConfigError e = assertThrows(ConfigError.class, () -> RunLayout.of(OUT, "a".repeat(300)));
    assertEquals("--run-id", e.key());
    assertTrue(e.getMessage().contains("300 characters") && e.getMessage().contains("at most 200"),
        e.getMessage());
  }

  @Test
  void aRunIdWithAControlCharacterIsShownEscaped() {
    ConfigError e = assertThrows(ConfigError.class, () -> RunLayout.of(OUT, "r1\nr2\u001b[31m"));
    assertTrue(e.getMessage().startsWith("--run-id = 'r1\\nr2\\u001b[31m': "), e.getMessage());
  }
}
