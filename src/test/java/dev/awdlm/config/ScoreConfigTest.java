package dev.awdlm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The score section: defaults, validation like the other sections, and no part of a run's hash. */
class ScoreConfigTest {

  @Test
  void defaultsAndOverrides() {
    ScoreConfig d = ConfigLoader.load(null, List.of()).score();
    assertEquals(new ScoreConfig(10_000, 64, 0), d);
    ScoreConfig s = ConfigLoader.load(null, List.of("score.maxTokens=500", "score.batchSize=8", "score.partitions=6")).score();
    assertEquals(new ScoreConfig(500, 8, 6), s);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "score.maxTokens=0   | score.maxTokens",
      "score.batchSize=-1  | score.batchSize",
      "score.partitions=-2 | score.partitions",
      "score.batchSize=big | score.batchSize",
      "score.window=5      | score.window"})
  void invalidValuesNameTheKey(String override, String key) {
    ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of(override)));
    assertEquals(key, e.key());
  }

  @Test
  void scoringSettingsLeaveTheRunsConfigAndHashAlone() {
    AwdlmConfig plain = ConfigLoader.load(null, List.of());
    AwdlmConfig tuned = ConfigLoader.load(null, List.of("score.batchSize=7"));
    assertEquals(plain.hash(), tuned.hash(), "a checkpoint made before scoring settings changed still resumes");
    assertFalse(tuned.json().contains("batchSize\":7"), tuned.json());
    assertTrue(plain.json().contains("\"retrain\""), "the run's own sections are all there");
  }
}
