package dev.awdlm.notebooks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.io.Json;
import dev.awdlm.report.RunReport;
import dev.awdlm.train.EpochMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Made-up run reports with only what the notebooks read: curves, figures, pointer, NT-ASGD, sizes. */
final class NotebookReports {
  private NotebookReports() {}

  static RunReport report(double[] val, double valid, double test, RunReport.Pointer pointer, int asgdTriggerEpoch) {
    return report(val, valid, test, pointer, asgdTriggerEpoch, Json.tree("{}"));
  }

  static RunReport report(double[] val, double valid, double test, RunReport.Pointer pointer, int asgdTriggerEpoch,
      JsonNode config) {
    List<EpochMetrics> epochs = new ArrayList<>();
    for (int e = 0; e < val.length; e++) {
      epochs.add(new EpochMetrics(e + 1, 30, 5.0, Math.exp(5), val[e], 10, 100, false, 0, 1000, 2, List.of()));
    }
    var split = new PrepareStats.SplitStats(List.of(), 10, 1, 1000, 20, 0.02, 0, 2, 2, 1000);
    PrepareStats data = new PrepareStats("whitespace", Map.of("train", split, "valid", split, "test", split), 500, Map.of());
    RunReport.Evaluation eval = new RunReport.Evaluation(valid, 1, 1000, 2, 2, 0, 500);
    int best = 1;
    for (int e = 1; e < val.length; e++) if (val[e] < val[best - 1]) best = e + 1;
    return new RunReport(RunReport.SCHEMA, "r", "abc123", "2026-01-01T00:00:00Z", config, data, 12_345L, 2, 2, 1, 2,
        epochs, asgdTriggerEpoch, 0, valid, test, eval, eval, Map.of("prepare", 1.0, "train", 60.0, "evaluate", 5.0), pointer,
        best, Map.of());
  }

  static RunReport.Pointer pointer(double valid, double test) {
    return new RunReport.Pointer(valid, test, 500, 0.5, 0.1, true);
  }
}
