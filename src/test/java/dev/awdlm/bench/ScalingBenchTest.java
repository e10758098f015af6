package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.junit.jupiter.api.Test;

/** The round-time split, on statistics with hand-picked durations. */
class ScalingBenchTest {

  /** dl4j-spark's master statistics expose their workers' keys too, as this stand-in does. */
  private record Stats(Map<String, List<Long>> ms) implements SparkTrainingStats {
    public Set<String> getKeySet() {
      return ms.keySet();
    }

    public List<EventStats> getValue(String key) {
      return ms.get(key).stream().map(d -> (EventStats) new BaseEventStats(0, d)).toList();
    }

    public String getShortNameForKey(String key) {
      return key;
    }

    public boolean defaultIncludeInPlots(String key) {
      return false;
    }

    public void addOtherTrainingStats(SparkTrainingStats other) {}

    public SparkTrainingStats getNestedTrainingStats() {
      return null;
    }

    public String statsAsString() {
      return "";
    }

    public void exportStatFiles(String outputPath, SparkContext sc) {}
  }

  @Test
  void computeIsParallelFitAndAggregationIsWhatTheActionTakesBeyondIt() {
    Map<String, List<Long>> ms = new LinkedHashMap<>();
    ms.put("ParameterAveragingWorkerFitTimesMs", List.of(20_000L, 20_000L, 22_000L, 18_000L)); // 2 workers x 2 rounds
    ms.put("ParameterAveragingMasterAggregateTimesMs", List.of(21_000L, 22_000L)); // includes the lazy fitting
    ms.put("ParameterAveragingMasterBroadcastCreateTimesMs", List.of(300L, 200L));
    ms.put("ParameterAveragingMasterProcessParamsUpdaterTimesMs", List.of(100L, 100L));
    ms.put("ParameterAveragingWorkerBroadcastGetValueTimeMs", List.of(400L, 400L, 400L, 400L));
    ms.put("ParameterAveragingWorkerInitTimeMs", List.of(100L, 100L, 100L, 100L));
    ms.put("ParameterAveragingMasterFitTimesMs", List.of(22_000L, 23_000L)); // the whole round: not a part
    ScalingBench.Split s = ScalingBench.split(new Stats(ms), 2, 46.0);
    assertEquals(40.0, s.compute(), 1e-9, "80 s of fitting on 2 workers in parallel");
    // aggregation beyond compute 43 - 40 = 3; broadcast + process 0.7; worker fetch + init 2.0 / 2 = 1.0
    assertEquals(4.7, s.communication(), 1e-9);
    assertEquals(46.0 - 40.0 - 4.7, s.scheduling(), 1e-9);
  }
}
