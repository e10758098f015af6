package dev.awdlm.bench;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.Presets;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.LearningRateSchedule;
import dev.awdlm.train.RoundCollector;
import dev.awdlm.train.TrainingMasters;
import java.io.File;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.config.DL4JSystemProperties;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.stats.EventStats;
import org.deeplearning4j.spark.time.SystemClockTimeSource;

/**
 * {@code bench scaling}: parameter-averaging training tokens/s of the PTB-small AWD-LSTM on 1
 * executor against 2 ({@code local-cluster}, 1 core each), and where a round's wall time goes,
 * from dl4j-spark's training statistics (compute: workers fitting, in parallel; broadcast +
 * aggregate: shipping parameters out and averaging them back; scheduling: everything else), and
 * whether the two runs measured what the bench claims.
 */
public final class ScalingBench {
  public static final double TARGET = 0.85;

  /**
   * How far above linear (efficiency 1) a measurement may land before it means that the two runs
   * differ in more than their executors. Repeated runs of the bench on a quiet machine spread by 3%
   * (efficiency 0.906 to 0.935, docs/measured-figures.md); 2 executors cannot be more than twice as fast as 1.
   */
  public static final double NOISE = 0.05;

  private ScalingBench() {}

  /**
   * @param rounds timed averaging rounds per cluster size
   * @param executorJavaOptions extra JVM options for the executors, recorded with the result
   * @param executorMb heap per executor JVM
   * @param appJar the application jar the executors load awdlm from
   * @param sparkHome the Spark home the executors start from: {@code RELEASE} and {@code jars/}.
   *     Spark's in-process local-cluster workers read it from the {@code SPARK_HOME} environment
   *     variable, so the JVM must have been started with that variable naming this directory
   * @param java17Argfile a java {@code @argfile} of the options every executor needs on Java 17
   *     ({@code conf/java17.args}); null for none
   * @param stamp names the run that prepares the corpus, {@code bench-scaling-<stamp>}; a new run id
   */
  public record Options(int rounds, String executorJavaOptions, int executorMb, Path appJar, Path sparkHome, Path java17Argfile,
      String stamp) {
    public Options {
      if (rounds < 1) throw new ConfigError("--rounds", rounds, "must be >= 1");
      if (executorMb < 1) throw new ConfigError("--executor-memory-mb", executorMb, "must be >= 1");
      if (appJar == null || !Files.isRegularFile(appJar)) {
        throw new ConfigError("--app-jar", String.valueOf(appJar), "must name the application jar (jobs/awdlm bench scaling passes it)");
      }
      if (sparkHome == null || !Files.isRegularFile(sparkHome.resolve("RELEASE")) || !Files.isDirectory(sparkHome.resolve("jars"))) {
        throw new ConfigError("--spark-home", String.valueOf(sparkHome),
            "must be a Spark home laid out for local-cluster, with RELEASE and jars/ (jobs/awdlm bench scaling lays one out)");
      }
      if (java17Argfile != null && !Files.isRegularFile(java17Argfile)) {
        throw new ConfigError("--java17-argfile", java17Argfile.toString(), "is not a file");
      }
      executorJavaOptions = executorJavaOptions == null ? "" : executorJavaOptions;
    }
  }

  /** The user's overrides, then the PTB-small preset, then this bench's settings, which win. */
  static List<String> overrides(List<String> user) {
    List<String> all = new ArrayList<>(user);
    all.addAll(Presets.PTB_SMALL);
    all.addAll(List.of("train.averagingFrequency=5", "train.collectStats=true", "train.prefetch=2", "train.repartition=never"));
    return all;
  }

  /**
   * Prepares the config's corpus, measures 1 and then 2 executors, prints the figures, and
   * publishes {@code <output.dir>/bench/scaling.json}.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}: the corpus and anything the preset leaves
   * @return the verdict; a non-null failure means the bench did not measure 1 against 2 workers
   */
  public static Verdict run(Options options, File config, List<String> overrides, PrintStream out) {
    AwdlmConfig c = ConfigLoader.load(config, overrides(overrides));
    RunLayout layout = RunLayout.of(c.output(), "bench-scaling-" + options.stamp());
    PrepareStats prepared;
    try (SparkSession spark = SparkSession.builder().config(SparkSessions.defaults(new SparkConf()).setMaster("local[2]")).getOrCreate()) {
      prepared = PrepareJob.run(c, SparkSessions.context(spark), layout);
    }
    List<String> files = HadoopFs.listFiles(layout.batches("train"), StreamExporter.SUFFIX, SparkSessions.hadoopConfiguration())
        .stream().map(org.apache.hadoop.fs.Path::toString).toList();
    Measurement[] m = new Measurement[3];
    for (int n = 1; n <= 2; n++) {
      if (files.size() < (options.rounds() + 1) * n * c.train().averagingFrequency()) {
        throw new ConfigError("--rounds", options.rounds(), "needs more train DataSets than the corpus gives");
      }
      m[n] = measure(n, files, c, prepared.vocabSize(), options, out);
    }
    Verdict verdict = verdict(m[1].tokensPerS(), m[2].tokensPerS(), m[1].workers(), m[2].workers(), TARGET);
    out.printf("executor JVM options: %s%n", options.executorJavaOptions().isBlank() ? "(none)" : options.executorJavaOptions());
    out.printf("efficiency %.3f (target >= %.2f)%n", verdict.efficiency(), TARGET);
    BenchResult result = new BenchResult("scaling").put("averaging_frequency", c.train().averagingFrequency())
        .put("rounds", options.rounds())
        .put("executor_java_options", options.executorJavaOptions()).put("tokens_per_s_1", m[1].tokensPerS())
        .put("tokens_per_s_2", m[2].tokensPerS()).put("efficiency", verdict.efficiency());
    for (int n = 1; n <= 2; n++) {
      result.put("workers_" + n, m[n].workers()).put("compute_s_" + n, m[n].split().compute())
          .put("broadcast_aggregate_s_" + n, m[n].split().communication()).put("scheduling_s_" + n, m[n].split().scheduling());
    }
    result.put("meets_target", verdict.meetsTarget());
    if (verdict.failure() != null) result.put("failure", verdict.failure());
    result.publish(layout.outputDir(), SparkSessions.hadoopConfiguration(), out);
    return verdict;
  }

  /**
   * The Spark settings of {@code local-cluster[n,1,M]}: executors that load awdlm from the
   * application jar and time their statistics with the local clock.
   */
  static SparkConf clusterConf(int n, Options options) {
    // dl4j-spark timestamps its statistics with an NTP clock by default, which queries a public time
    // server; a bench machine may have no Internet access. The driver's own statistics read this
    // JVM's property (Trainer sets it the same way when train.collectStats is on), the executors' theirs.
    String localClock = "-D" + DL4JSystemProperties.TIMESOURCE_CLASSNAME_PROPERTY + "=" + SystemClockTimeSource.class.getName();
    System.setProperty(DL4JSystemProperties.TIMESOURCE_CLASSNAME_PROPERTY, SystemClockTimeSource.class.getName());
    String java17 = options.java17Argfile() == null ? "" : "@" + options.java17Argfile().toAbsolutePath();
    return SparkSessions.defaults(new SparkConf())
        .setMaster("local-cluster[" + n + ",1," + options.executorMb() + "]")
        .set("spark.jars", options.appJar().toAbsolutePath().toString())
        .set("spark.executor.memory", options.executorMb() + "m")
        .set("spark.executorEnv.OMP_NUM_THREADS", "1")
        .set("spark.ui.enabled", "false")
        .set("spark.executor.extraJavaOptions",
            String.join(" ", java17, options.executorJavaOptions(), localClock).trim());
  }

  /**
   * One cluster size's timed rounds.
   *
   * @param workers the workers that trained in each timed round, as they reported
   */
  private record Measurement(double tokensPerS, Split split, List<Integer> workers) {}

  /**
   * A warm-up round, then {@code rounds} timed rounds on {@code local-cluster[n,1,M]}, with
   * {@code n} workers: one per executor core.
   */
  private static Measurement measure(int n, List<String> files, AwdlmConfig c, int vocab, Options options, PrintStream out) {
    TrainConfig t = c.train();
    int perRound = n * t.averagingFrequency();
    try (SparkSession spark = SparkSession.builder().config(clusterConf(n, options)).getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      MultiLayerNetwork net = LanguageModels.awdLstm(c.model(), t, vocab, LearningRateSchedule.initial(t));
      // Warm-up round: executors start, JIT compiles, the first broadcast is set up.
      new SparkDl4jMultiLayer(sc, net, TrainingMasters.build(t, n, new RoundCollector()))
          .fitPaths(TrainingMasters.round(sc, files.subList(0, perRound), n, t.averagingFrequency()), TrainingMasters.loader(c.model(), t, 0));
      RoundCollector collector = new RoundCollector();
      SparkDl4jMultiLayer timed = new SparkDl4jMultiLayer(sc, net, TrainingMasters.build(t, n, collector));
      timed.setCollectTrainingStats(true);
      List<Integer> workers = new ArrayList<>();
      long tokens = 0;
      long start = System.nanoTime();
      for (int r = 1; r <= options.rounds(); r++) {
        timed.fitPaths(TrainingMasters.round(sc, files.subList(r * perRound, (r + 1) * perRound), n, t.averagingFrequency()),
            TrainingMasters.loader(c.model(), t, r));
        RoundCollector.Tally tally = collector.drain();
        workers.add(tally.workers());
        tokens += tally.tokens();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Measurement m = new Measurement(tokens / seconds, split(timed.getSparkTrainingStats(), n, seconds), workers);
      totals(timed.getSparkTrainingStats()).forEach((k, v) -> out.printf("  %-55s %9.1f s%n", k, v / 1000));
      out.printf("%d executor(s): %.0f tokens/s over %d rounds (%.1f s), workers per round %s: compute %.0f%%, "
          + "broadcast+aggregate %.0f%%, scheduling %.0f%%%n", n, m.tokensPerS(), options.rounds(), seconds, workers,
          100 * m.split().compute() / seconds, 100 * m.split().communication() / seconds, 100 * m.split().scheduling() / seconds);
      return m;
    }
  }

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
