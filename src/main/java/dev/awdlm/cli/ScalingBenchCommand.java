package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.bench.BenchResult;
import dev.awdlm.bench.ScalingBench;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.LearningRateSchedule;
import dev.awdlm.train.RoundCollector;
import dev.awdlm.train.TrainingMasters;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "scaling", mixinStandardHelpOptions = true,
    description = {"Measure parameter-averaging training tokens/s on 1 executor against 2 (local-cluster,",
        "1 core each), averaging frequency 5, the small AWD-LSTM (200/400, 3 layers, bptt 35) on",
        "the config's corpus (Brown in conf/local.conf). Prints the efficiency tokens_per_s_2 /",
        "(2 tokens_per_s_1) and how round time splits into compute, broadcast + aggregate and",
        "scheduling. Needs SPARK_HOME laid out for local-cluster and the app jar; jobs/awdlm",
        "bench scaling sets both up. Target: efficiency >= 0.85. Each run trains one worker per executor;",
        "the bench fails (exit code 1, meets_target false) when a round trains another number of workers,",
        "or when the efficiency is more than 5%% above linear: then the runs differ in more than their executors."})
final class ScalingBenchCommand implements Callable<Integer> {
  static final double TARGET = 0.85;

  @Mixin CommonOptions common;

  @Option(names = "--rounds", defaultValue = "3", description = "Timed averaging rounds per cluster size (default ${DEFAULT-VALUE}).")
  int rounds;

  // Each executor has one core, and serial GC is the JVM's own choice on a 1-CPU machine. G1's
  // concurrent threads take CPU from the other executor's training when every core trains: two
  // training JVMs on 2 cores ran 10-12% slower per step than one alone with G1, 6% with serial GC
  // (measured; src/site/markdown/performance-notes.md).
  @Option(names = "--executor-java-options", defaultValue = "-XX:+UseSerialGC",
      description = "Extra JVM options for the executors (default ${DEFAULT-VALUE}; \"\" for the JVM's own choice, G1).")
  String executorJavaOptions;

  @Option(names = "--executor-memory-mb", defaultValue = "3072", description = "Heap per executor JVM (default ${DEFAULT-VALUE}).")
  int executorMb;

  @Override
  public Integer call() {
    List<String> overrides = new ArrayList<>(common.overrides);
    overrides.addAll(List.of("model.emsize=200", "model.nhid=400", "model.nlayers=3", "model.tied=true",
        "model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65", "model.dropoute=0.1", "model.wdrop=0.5",
        "train.bptt=35", "train.batchSize=20", "train.averagingFrequency=5", "train.optimizer=sgd", "train.lr=30",
        "train.alpha=2", "train.beta=1", "train.collectStats=true", "train.prefetch=2", "train.repartition=never"));
    common.overrides = overrides;
    AwdlmConfig config = common.load();
    String appJar = System.getenv("AWDLM_APP_JAR");
    String flags = System.getenv("AWDLM_JAVA17_FLAGS");
    if (appJar == null || !new File(appJar).isFile()) throw new ConfigError("AWDLM_APP_JAR", String.valueOf(appJar), "must name the application jar (jobs/awdlm sets it)");
    if (System.getenv("SPARK_HOME") == null) throw new ConfigError("SPARK_HOME", "must be set up for local-cluster (jobs/awdlm bench scaling does it)");
    if (rounds < 1) throw new ConfigError("--rounds", rounds, "must be >= 1");

    RunLayout layout = RunLayout.of(config.output(), "bench-scaling-" + CommonOptions.newRunId());
    PrepareStats prepared;
    try (SparkSession spark = SparkSession.builder().config(SparkSessions.defaults(new SparkConf()).setMaster("local[2]")).getOrCreate()) {
      prepared = PrepareJob.run(config, SparkSessions.context(spark), layout);
    }
    List<String> files = HadoopFs.listFiles(layout.batches("train"), StreamExporter.SUFFIX, SparkSessions.hadoopConfiguration())
        .stream().map(Path::toString).toList();

    Measurement[] m = new Measurement[3];
    for (int n = 1; n <= 2; n++) {
      if (files.size() < (rounds + 1) * n * config.train().averagingFrequency()) {
        throw new ConfigError("--rounds", rounds, "needs more train DataSets than the corpus gives");
      }
      m[n] = measure(n, files, config, prepared, appJar, flags);
    }
    ScalingBench.Verdict verdict = ScalingBench.verdict(m[1].tokensPerS(), m[2].tokensPerS(), m[1].workers(), m[2].workers(), TARGET);
    System.out.printf("executor JVM options: %s%n", executorJavaOptions.isBlank() ? "(none)" : executorJavaOptions);
    System.out.printf("efficiency %.3f (target >= %.2f)%n", verdict.efficiency(), TARGET);
    BenchResult result = new BenchResult("scaling").put("averaging_frequency", config.train().averagingFrequency())
        .put("rounds", rounds)
        .put("executor_java_options", executorJavaOptions).put("tokens_per_s_1", m[1].tokensPerS())
        .put("tokens_per_s_2", m[2].tokensPerS()).put("efficiency", verdict.efficiency());
    for (int n = 1; n <= 2; n++) {
      result.put("workers_" + n, m[n].workers()).put("compute_s_" + n, m[n].split().compute())
          .put("broadcast_aggregate_s_" + n, m[n].split().communication()).put("scheduling_s_" + n, m[n].split().scheduling());
    }
    result.put("meets_target", verdict.meetsTarget());
    if (verdict.failure() != null) result.put("failure", verdict.failure());
    result.publish(layout.outputDir(), SparkSessions.hadoopConfiguration(), System.out);
    if (verdict.failure() != null) {
      System.err.println("awdlm bench scaling: not a measurement of 1 against 2 workers: " + verdict.failure());
      return AwdlmCommand.FAILED;
    }
    return AwdlmCommand.OK;
  }

  /**
   * One cluster size's timed rounds.
   *
   * @param workers the workers that trained in each timed round, as they reported
   */
  private record Measurement(double tokensPerS, ScalingBench.Split split, List<Integer> workers) {}

  /**
   * A warm-up round, then {@code rounds} timed rounds on {@code local-cluster[n,1,M]}, with
   * {@code n} workers: one per executor core.
   */
  private Measurement measure(int n, List<String> files, AwdlmConfig config, PrepareStats prepared, String appJar, String flags) {
    var t = config.train();
    int perRound = n * t.averagingFrequency();
    SparkConf conf = SparkSessions.defaults(new SparkConf())
        .setMaster("local-cluster[" + n + ",1," + executorMb + "]")
        .set("spark.jars", appJar)
        .set("spark.executor.memory", executorMb + "m")
        .set("spark.executorEnv.OMP_NUM_THREADS", "1")
        .set("spark.ui.enabled", "false");
    conf.set("spark.executor.extraJavaOptions", String.join(" ", flags == null ? "" : flags, executorJavaOptions,
        "-Dorg.deeplearning4j.spark.time.TimeSource=org.deeplearning4j.spark.time.SystemClockTimeSource").trim());
    System.setProperty("org.deeplearning4j.spark.time.TimeSource", "org.deeplearning4j.spark.time.SystemClockTimeSource");
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      MultiLayerNetwork net = LanguageModels.awdLstm(config.model(), t, prepared.vocabSize(), LearningRateSchedule.initial(t));
      // Warm-up round: executors start, JIT compiles, the first broadcast is set up.
      RoundCollector warmUp = new RoundCollector();
      new SparkDl4jMultiLayer(sc, net, TrainingMasters.build(t, n, warmUp))
          .fitPaths(TrainingMasters.round(sc, files.subList(0, perRound), n, t.averagingFrequency()));
      RoundCollector collector = new RoundCollector();
      SparkDl4jMultiLayer timed = new SparkDl4jMultiLayer(sc, net, TrainingMasters.build(t, n, collector));
      timed.setCollectTrainingStats(true);
      List<Integer> workers = new ArrayList<>();
      long tokens = 0;
      long start = System.nanoTime();
      for (int r = 1; r <= rounds; r++) {
        timed.fitPaths(TrainingMasters.round(sc, files.subList(r * perRound, (r + 1) * perRound), n, t.averagingFrequency()));
        RoundCollector.Tally tally = collector.drain();
        workers.add(tally.workers());
        tokens += tally.tokens();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      Measurement m = new Measurement(tokens / seconds, ScalingBench.split(timed.getSparkTrainingStats(), n, seconds), workers);
      ScalingBench.totals(timed.getSparkTrainingStats()).forEach((k, v) -> System.out.printf("  %-55s %9.1f s%n", k, v / 1000));
      System.out.printf("%d executor(s): %.0f tokens/s over %d rounds (%.1f s), workers per round %s: compute %.0f%%, "
          + "broadcast+aggregate %.0f%%, scheduling %.0f%%%n", n, m.tokensPerS(), rounds, seconds, workers,
          100 * m.split().compute() / seconds, 100 * m.split().communication() / seconds, 100 * m.split().scheduling() / seconds);
      return m;
    }
  }
}
