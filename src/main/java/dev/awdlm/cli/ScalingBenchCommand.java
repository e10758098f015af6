package dev.awdlm.cli;

import dev.awdlm.bench.ScalingBench;
import dev.awdlm.config.ConfigError;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "scaling", mixinStandardHelpOptions = true,
    description = {"Measure parameter-averaging training tokens/s on 1 executor against 2 (local-cluster,",
        "1 core each), averaging frequency 5, the small AWD-LSTM (200/400, 3 layers, bptt 35) on",
        "the config's corpus (Brown in conf/local.conf). Prints the efficiency tokens_per_s_2 /",
        "(2 tokens_per_s_1) and how round time splits into compute, broadcast + aggregate and",
        "scheduling. Needs a Spark home laid out for local-cluster and the app jar; jobs/awdlm",
        "bench scaling sets both up. Target: efficiency >= 0.85. Each run trains one worker per executor;",
        "the bench fails (exit code 1, meets_target false) when a round trains another number of workers,",
        "or when the efficiency is more than 5%% above linear: then the runs differ in more than their executors."})
final class ScalingBenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--rounds", defaultValue = "3", description = "Timed averaging rounds per cluster size (default ${DEFAULT-VALUE}).")
  int rounds;

  // Each executor has one core, and serial GC is the JVM's own choice on a 1-CPU machine. G1's
  // concurrent threads take CPU from the other executor's training when every core trains: two
  // training JVMs on 2 cores ran 10-12% slower per step than one alone with G1, 6% with serial GC
  // (measured; docs/measured-figures.md).
  @Option(names = "--executor-java-options", defaultValue = "-XX:+UseSerialGC",
      description = "Extra JVM options for the executors (default ${DEFAULT-VALUE}; \"\" for the JVM's own choice, G1).")
  String executorJavaOptions;

  @Option(names = "--executor-memory-mb", defaultValue = "3072", description = "Heap per executor JVM (default ${DEFAULT-VALUE}).")
  int executorMb;

  @Option(names = "--app-jar", paramLabel = "JAR",
      description = "The application jar the executors load awdlm from (jobs/awdlm passes target/awdlm-*-app.jar).")
  Path appJar;

  @Option(names = "--spark-home", paramLabel = "DIR", defaultValue = "${env:SPARK_HOME}",
      description = {"The Spark home the executors start from, with RELEASE and jars/ (default: $SPARK_HOME).",
          "Spark's local-cluster workers read the SPARK_HOME variable, which must name the same directory;",
          "jobs/awdlm lays one out under target/ and sets both."})
  Path sparkHome;

  @Option(names = "--java17-argfile", paramLabel = "FILE",
      description = "A java @argfile of the options every executor needs on Java 17 (jobs/awdlm passes conf/java17.args).")
  Path java17Argfile;

  @Override
  public Integer call() {
    ScalingBench.Options options = new ScalingBench.Options(rounds, executorJavaOptions, executorMb, appJar, sparkHome, java17Argfile,
        CommonOptions.newRunId());
    // The one thing the launch environment decides: Spark's in-process workers start executors from
    // $SPARK_HOME (the working directory when it is unset), so a different --spark-home would hang the bench.
    String env = System.getenv("SPARK_HOME");
    if (env == null || !Path.of(env).toAbsolutePath().normalize().equals(sparkHome.toAbsolutePath().normalize())) {
      throw new ConfigError("--spark-home", sparkHome.toString(), "is not $SPARK_HOME (" + env + "), the Spark home Spark's "
          + "local-cluster workers start executors from: set SPARK_HOME to it");
    }
    ScalingBench.Verdict verdict = ScalingBench.run(options, common.config, BenchCommand.overrides(common), System.out);
    if (verdict.failure() != null) {
      System.err.println("awdlm bench scaling: not a measurement of 1 against 2 workers: " + verdict.failure());
      return AwdlmCommand.FAILED;
    }
    return AwdlmCommand.OK;
  }
}
