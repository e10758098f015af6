package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.junit.jupiter.api.Test;

/** The round-time split, on statistics with hand-picked durations, and the verdict, on hand-picked figures. */
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

  private static final List<Integer> ONE = List.of(1, 1, 1);
  private static final List<Integer> TWO = List.of(2, 2, 2);

  @Test
  void nearLinearScalingMeetsTheTargetAndSublinearBelowItDoesNot() {
    ScalingBench.Verdict v = ScalingBench.verdict(2_000, 3_700, ONE, TWO, 0.85);
    assertEquals(0.925, v.efficiency(), 1e-12);
    assertTrue(v.meetsTarget());
    assertNull(v.failure());
    ScalingBench.Verdict slow = ScalingBench.verdict(2_000, 3_000, ONE, TWO, 0.85);
    assertFalse(slow.meetsTarget());
    assertNull(slow.failure(), "slow is a result, not a broken measurement");
    assertNull(ScalingBench.verdict(2_000, 4_160, ONE, TWO, 0.85).failure(), "1.04: within the noise");
  }

  @Test
  void superlinearScalingIsABrokenMeasurement() {
    // the figures the bench printed when its "1 executor" run trained 2 workers
    ScalingBench.Verdict v = ScalingBench.verdict(699, 1_823, ONE, TWO, 0.85);
    assertEquals(1.304, v.efficiency(), 1e-3);
    assertFalse(v.meetsTarget());
    assertTrue(v.failure().contains("above linear"), v.failure());
  }

  @Test
  void roundsThatTrainedAnotherNumberOfWorkersAreABrokenMeasurement() {
    ScalingBench.Verdict v = ScalingBench.verdict(2_000, 3_700, List.of(2, 2, 2), TWO, 0.85);
    assertFalse(v.meetsTarget());
    assertTrue(v.failure().contains("[2, 2, 2] worker(s) on 1 executor"), v.failure());
    assertFalse(ScalingBench.verdict(2_000, 3_700, ONE, List.of(2, 1, 2), 0.85).meetsTarget());
  }
}
