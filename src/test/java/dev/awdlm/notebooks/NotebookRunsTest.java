package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.junit.jupiter.api.io.TempDir;

/** Which finished runs a continued notebook reuses. */
class NotebookRunsTest {
  private static final AwdlmConfig TRAINED = ConfigLoader.load(null, List.of("train.epochs=4", "model.emsize=16"));

  private static RunLayout finishedRun(Path root, boolean success) throws Exception {
    return finishedRun(root, success, Json.tree(TRAINED.json()));
  }

  private static RunLayout finishedRun(Path root, boolean success, JsonNode savedConfig) throws Exception {
    RunLayout layout = RunLayout.of(new org.apache.hadoop.fs.Path(root.toUri()), "ablation-none-seed1111-s1");
    Path report = Files.createDirectories(Path.of(layout.reportDir().toUri()));
    Files.writeString(report.resolve("report.json"),
        Json.pretty(NotebookReports.report(new double[] {200, 150}, 150, 155, null, 0, savedConfig)));
    if (success) Files.writeString(Path.of(layout.reportSuccess().toUri()), "");
    return layout;
  }

  @Test
  void aFinishedRunOfTheSameConfigIsReused(@TempDir Path tmp) throws Exception {
    RunLayout layout = finishedRun(tmp, true);
    AwdlmConfig same = ConfigLoader.load(null, List.of("model.emsize=16", "train.epochs=4"));
    assertEquals(155, NotebookRuns.finished(same, layout, new Configuration()).testPpl());
  }

  @Test
  void aRunWithoutItsSuccessMarkerIsNotFinished(@TempDir Path tmp) throws Exception {
    assertNull(NotebookRuns.finished(TRAINED, finishedRun(tmp, false), new Configuration()));
  }

  @Test
  void aRunSavedBeforeAKeyExistedIsReusedWhenTheKeysDefaultIsWhatItRan(@TempDir Path tmp) throws Exception {
    // train.sync came after runs that could only average: their saved config has no such key.
    JsonNode saved = Json.tree(TRAINED.json());
    assertTrue(saved.get("train").has("sync"), "the key this test removes");
    ((ObjectNode) saved.get("train")).remove("sync");
    RunLayout layout = finishedRun(tmp, true, saved);
    assertEquals(155, NotebookRuns.finished(TRAINED, layout, new Configuration()).testPpl());
    AwdlmConfig sharing = ConfigLoader.load(null, List.of("train.epochs=4", "model.emsize=16", "train.sync=sharing"));
    assertThrows(ConfigError.class, () -> NotebookRuns.finished(sharing, layout, new Configuration()),
        "a key the run lacks counts as its default, not as any value");
  }

  @Test
  void aFinishedRunOfAnotherBudgetIsRefused(@TempDir Path tmp) throws Exception {
    RunLayout layout = finishedRun(tmp, true);
    AwdlmConfig longer = ConfigLoader.load(null, List.of("train.epochs=8", "model.emsize=16"));
    ConfigError e = assertThrows(ConfigError.class, () -> NotebookRuns.finished(longer, layout, new Configuration()));
    assertEquals("--continue", e.key());
    assertTrue(e.getMessage().contains("ablation-none-seed1111-s1"), e.getMessage());
  }

  @Test
  void curvesWithinADecadeGetALinearAxisBecauseALogAxisWouldLabelNoTick() {
    // XChart labels a logarithmic axis at powers of ten only: 190 to 355 would show no number at all
    XYChart narrow = NotebookRuns.curveChart("t", Map.of("a", new double[] {355, 241, 265}, "b", new double[] {300, 190}));
    assertFalse(narrow.getStyler().isYAxisLogarithmic());
    assertEquals("validation perplexity", narrow.getYAxisTitle());
    XYChart wide = NotebookRuns.curveChart("t", Map.of("a", new double[] {9000, 400, Double.NaN}, "b", new double[] {300, 190}));
    assertTrue(wide.getStyler().isYAxisLogarithmic());
    assertEquals("validation perplexity (log scale)", wide.getYAxisTitle());
  }
}
