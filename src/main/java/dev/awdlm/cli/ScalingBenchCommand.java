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
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "scaling", mixinStandardHelpOptions = true,
    description = {"Measure parameter-averaging training tokens/s on 1 executor against 2 (local-cluster,",
        "1 core each), averaging frequency 5, the small AWD-LSTM (200/400, 3 layers, bptt 35) on",
        "the config's corpus (Brown in conf/local.conf). Prints the efficiency tokens_per_s_2 /",
        "(2 tokens_per_s_1) and how round time splits into compute, broadcast + aggregate and",
        "scheduling. Needs SPARK_HOME laid out for local-cluster and the app jar; jobs/awdlm",
        "bench scaling sets both up. Target: efficiency >= 0.85."})
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

    RunLayout layout = RunLayout.of(HadoopFs.location("output.dir", config.output().dir()), "bench-scaling-" + CommonOptions.newRunId());
    PrepareStats prepared;
    try (SparkSession spark = SparkSession.builder().config(SparkSessions.defaults(new SparkConf()).setMaster("local[2]")).getOrCreate()) {
      prepared = PrepareJob.run(config, SparkSessions.context(spark), layout);
    }
    List<String> files = HadoopFs.listFiles(layout.batches("train"), StreamExporter.SUFFIX, SparkSessions.hadoopConfiguration())
        .stream().map(Path::toString).toList();
    long tokensPerFile = prepared.splits().get("train").predictedTokens() / files.size();

    double[] tps = new double[3];
    ScalingBench.Split[] splits = new ScalingBench.Split[3];
    for (int n = 1; n <= 2; n++) {
      int perRound = n * config.train().averagingFrequency();
      if (files.size() < (rounds + 1) * perRound) throw new ConfigError("--rounds", rounds, "needs more train DataSets than the corpus gives");
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
        MultiLayerNetwork net = LanguageModels.awdLstm(config.model(), config.train(), prepared.vocabSize());
        // Warm-up round: executors start, JIT compiles, the first broadcast is set up.
        master(sc, net, n, config, false).fitPaths(sc.parallelize(files.subList(0, perRound), n));
        SparkDl4jMultiLayer timed = master(sc, net, n, config, true);
        long start = System.nanoTime();
        for (int r = 1; r <= rounds; r++) {
          timed.fitPaths(sc.parallelize(files.subList(r * perRound, (r + 1) * perRound), n));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        tps[n] = rounds * perRound * tokensPerFile / seconds;
        splits[n] = ScalingBench.split(timed.getSparkTrainingStats(), n, seconds);
        ScalingBench.totals(timed.getSparkTrainingStats()).forEach((k, v) -> System.out.printf("  %-55s %9.1f s%n", k, v / 1000));
        System.out.printf("%d executor(s): %.0f tokens/s over %d rounds (%.1f s): compute %.0f%%, broadcast+aggregate %.0f%%, scheduling %.0f%%%n",
            n, tps[n], rounds, seconds, 100 * splits[n].compute() / seconds, 100 * splits[n].communication() / seconds,
            100 * splits[n].scheduling() / seconds);
      }
    }
    double efficiency = tps[2] / (2 * tps[1]);
    System.out.printf("executor JVM options: %s%n", executorJavaOptions.isBlank() ? "(none)" : executorJavaOptions);
    System.out.printf("efficiency %.3f (target >= %.2f)%n", efficiency, TARGET);
    BenchResult result = new BenchResult("scaling").put("averaging_frequency", config.train().averagingFrequency())
        .put("rounds", rounds)
        .put("executor_java_options", executorJavaOptions).put("tokens_per_s_1", tps[1]).put("tokens_per_s_2", tps[2]).put("efficiency", efficiency);
    for (int n = 1; n <= 2; n++) {
      result.put("compute_s_" + n, splits[n].compute()).put("broadcast_aggregate_s_" + n, splits[n].communication())
          .put("scheduling_s_" + n, splits[n].scheduling());
    }
    result.put("meets_target", efficiency >= TARGET);
    result.publish(layout.outputDir(), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }

  private static SparkDl4jMultiLayer master(JavaSparkContext sc, MultiLayerNetwork net, int workers, AwdlmConfig config, boolean stats) {
    var t = config.train();
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(t.batchSize())
        .batchSizePerWorker(t.batchSize()).averagingFrequency(t.averagingFrequency()).workerPrefetchNumBatches(t.prefetch())
        .saveUpdater(true).rngSeed(t.seed()).build();
    SparkDl4jMultiLayer s = new SparkDl4jMultiLayer(sc, net, master);
    s.setCollectTrainingStats(stats);
    return s;
  }
}
