package dev.awdlm.bench;

import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * Where a parameter-averaging round's wall time goes, from dl4j-spark's training statistics:
 * compute (workers fitting, in parallel), broadcast + aggregate (shipping parameters out and
 * averaging them back), and scheduling (everything else: Spark jobs, tasks, serialization).
 */
public final class ScalingBench {
  private ScalingBench() {}

  /** Seconds of each kind over a timed period of {@code wallSeconds} with {@code workers} workers. */
  public record Split(double compute, double communication, double scheduling) {}

  public static Split split(SparkTrainingStats stats, int workers, double wallSeconds) {
    Map<String, Double> ms = totals(stats);
    double compute = sum(ms, "WorkerFit") / workers / 1000;
    // The master's aggregate timer wraps treeAggregate, the Spark action that also runs the lazy
    // fitting: aggregation proper is what it takes beyond the (parallel) compute.
    double aggregate = Math.max(0, sum(ms, "MasterAggregate") / 1000 - compute);
    double communication = aggregate
        + (sum(ms, "MasterBroadcast") + sum(ms, "MasterProcessParams")) / 1000
        + (sum(ms, "WorkerBroadcast") + sum(ms, "WorkerInit")) / workers / 1000;
    return new Split(compute, communication, Math.max(0, wallSeconds - compute - communication));
  }

  /** Total milliseconds per dl4j-spark statistic, for the breakdown the bench prints. */
  public static Map<String, Double> totals(SparkTrainingStats stats) {
    Map<String, Double> ms = new TreeMap<>();
    collect(stats, ms);
    return ms;
  }

  private static double sum(Map<String, Double> ms, String part) {
    return ms.entrySet().stream().filter(e -> e.getKey().contains(part)).mapToDouble(Map.Entry::getValue).sum();
  }

  /**
   * Total milliseconds per statistic. The master's key set already includes its workers' keys
   * (getValue delegates to the nested statistics), so nothing is visited twice.
   */
  static void collect(SparkTrainingStats stats, Map<String, Double> out) {
    if (stats == null) return;
    for (String key : stats.getKeySet()) {
      double total = 0;
      for (EventStats e : stats.getValue(key)) total += e.getDurationMs();
      out.put(key, total);
    }
  }
}
