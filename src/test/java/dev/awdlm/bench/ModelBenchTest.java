package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class ModelBenchTest {

  private static String badOption(double seconds, int opThreads, List<String> sizes) {
    return assertThrows(ConfigError.class, () -> new ModelBench.Options(seconds, opThreads, sizes)).key();
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("--seconds", badOption(0, 1, List.of("small")));
    assertEquals("--op-threads", badOption(1, 0, List.of("small")));
    assertEquals("--sizes", badOption(1, 1, List.of("small", "medium")));
    assertEquals("--sizes", badOption(1, 1, List.of()));
    assertEquals(List.of("full"), new ModelBench.Options(1, 2, List.of("full")).sizes());
  }

  @Test
  void eachSizeIsItsPresetWithTheUsersSeed() {
    AwdlmConfig small = ModelBench.preset("small", 7);
    assertEquals(200, small.model().emsize());
    assertEquals(35, small.train().bptt());
    assertEquals(7, small.train().seed());
    AwdlmConfig full = ModelBench.preset("full", 8);
    assertEquals(1150, full.model().nhid());
    assertEquals(70, full.train().bptt());
    assertEquals(8, full.train().seed());
  }

  @Test
  void summaryHasTheAcceptanceKeysAndJudgesEachModelOnItsOwnCeiling() {
    // small: 2,000 tokens/s x 60 MFLOP = 120 GFLOP/s of a 200 ceiling; the stock: 1,000 x 60 MFLOP = 60 of 150;
    // full: 500 x 400 MFLOP = 200 of 250; evaluation at 10 streams: 6,000 and 1,000 tokens/s
    List<ModelBench.Figures> figures = List.of(
        new ModelBench.Figures("small", 4_700_000, 200, 190, 60e6, 2_000, Map.of(10, 6_000.0, 100, 9_000.0)),
        new ModelBench.Figures("stock_small", 4_700_000, 150, 150, 60e6, 1_000, Map.of()),
        new ModelBench.Figures("full", 24_000_000, 250, 240, 400e6, 500, Map.of(10, 1_000.0)));
    Map<String, Object> v = ModelBench.summary(2, 1, 20, figures, OptionalLong.of(2_345)).values();
    assertEquals(2_000.0, v.get("small_tokens_per_s"));
    assertEquals(500.0, v.get("full_tokens_per_s"));
    assertEquals(1_000.0, v.get("stock_small_tokens_per_s"));
    assertEquals(120.0, v.get("small_gflops"));
    assertEquals(0.6, v.get("small_ceiling_fraction"));
    assertEquals(0.4, v.get("stock_small_ceiling_fraction"));
    assertEquals(0.8, v.get("full_ceiling_fraction"));
    assertEquals(3.0, v.get("eval_small_10_ratio"));
    assertEquals(4.5, v.get("eval_small_100_ratio"));
    assertEquals(2.0, v.get("eval_full_10_ratio"));
    assertEquals(2.0, v.get("small_vs_stock"));
    assertEquals(250.0, v.get("ceiling_gflops"), "the run's highest");
    assertEquals(150.0, v.get("stock_small_ceiling_gflops"));
    assertEquals(2_345L, v.get("peak_rss_mb"));
    assertTrue(ModelBench.summary(2, 1, 20, figures, OptionalLong.empty()).toJson().contains("\"peak_rss_mb\":null"));
  }

  @Test
  void aCeilingThatFellDuringTheRunNeitherInflatesTheFractionNorPassesAsQuiet() {
    // 100 GFLOP/s of training; the ceiling read 200 before and 140 after (a neighbour arrived)
    ModelBench.Figures fell = new ModelBench.Figures("small", 1, 200, 140, 50e6, 2_000, Map.of());
    assertEquals(0.5, fell.ceilingFraction(), 1e-12, "against the higher ceiling, not 100/140");
    assertFalse(fell.steady());
    assertTrue(fell.speed().contains("WARNING"), fell.speed());
    ModelBench.Figures rose = new ModelBench.Figures("small", 1, 140, 200, 50e6, 2_000, Map.of());
    assertEquals(0.5, rose.ceilingFraction(), 1e-12);
    assertFalse(rose.steady());
    Map<String, Object> v = ModelBench.summary(2, 1, 20, List.of(fell), OptionalLong.empty()).values();
    assertEquals(200.0, v.get("small_ceiling_gflops"));
    assertEquals(200.0, v.get("small_ceiling_before_gflops"));
    assertEquals(140.0, v.get("small_ceiling_after_gflops"));
    assertEquals(false, v.get("small_ceiling_steady"));
    ModelBench.Figures quiet = new ModelBench.Figures("small", 1, 200, 180, 50e6, 2_000, Map.of());
    assertTrue(quiet.steady(), "10% apart is within the bench's tolerance");
    assertFalse(quiet.speed().contains("WARNING"), quiet.speed());
  }
}
