package dev.awdlm.bench;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.EventStats;

/**
 * The scaling bench's figures: where a parameter-averaging round's wall time goes, from
 * dl4j-spark's training statistics (compute: workers fitting, in parallel; broadcast + aggregate:
 * shipping parameters out and averaging them back; scheduling: everything else), and whether the
 * two runs measured what the bench claims.
 */
public final class ScalingBench {
  /**
   * How far above linear (efficiency 1) a measurement may land before it means that the two runs
   * differ in more than their executors. Repeated runs of the bench on a quiet machine spread by 3%
   * (efficiency 0.906 to 0.935, README); 2 executors cannot be more than twice as fast as 1.
   */
  public static final double NOISE = 0.05;

  private ScalingBench() {}

  /**
   * The bench's outcome.
   *
   * @param efficiency {@code tokens_per_s_2 / (2 tokens_per_s_1)}
   * @param failure why the measurement is not one of 1 against 2 workers; null when it is
   */
  public record Verdict(double efficiency, boolean meetsTarget, String failure) {}

  /**
   * @param workers1 the workers that trained in each timed round on 1 executor, as they reported
   * @param workers2 the same on 2 executors
   */
  public static Verdict verdict(double tokensPerS1, double tokensPerS2, List<Integer> workers1, List<Integer> workers2,
      double target) {
    double efficiency = tokensPerS2 / (2 * tokensPerS1);
    String failure = null;
    if (workers1.stream().anyMatch(w -> w != 1) || workers2.stream().anyMatch(w -> w != 2)) {
      failure = "the rounds trained " + workers1 + " worker(s) on 1 executor and " + workers2 + " on 2, not one per executor";
    } else if (efficiency > 1 + NOISE) {
      failure = String.format(java.util.Locale.ROOT, "efficiency %.3f is above linear by more than %.0f%%: the two runs differ in "
          + "more than their executors", efficiency, 100 * NOISE);
    }
    return new Verdict(efficiency, failure == null && efficiency >= target, failure);
  }

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
