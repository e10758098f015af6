package dev.awdlm.cli;

import dev.awdlm.bench.BenchResult;
import dev.awdlm.bench.GemmCeiling;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.spark.SparkSessions;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "ceiling", mixinStandardHelpOptions = true,
    description = {"Measure the float32 GEMM FLOP ceiling, all cores against one core.",
        "JSON keys: ceiling_gflops, single_thread_gflops, threads, speedup."})
final class CeilingBenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--size", defaultValue = "2048", description = "Matrix size n (default ${DEFAULT-VALUE}).")
  int size;

  @Option(names = "--seconds", defaultValue = "3", description = "Seconds per measurement (default ${DEFAULT-VALUE}).")
  double seconds;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    int threads = Runtime.getRuntime().availableProcessors();
    double one = GemmCeiling.gflops(size, 1, seconds);
    double all = GemmCeiling.gflops(size, threads, seconds);
    System.out.printf("sgemm %d^3: %.1f GFLOP/s on 1 thread, %.1f GFLOP/s on %d threads (%.2fx)%n",
        size, one, all, threads, all / one);
    new BenchResult("ceiling")
        .put("size", size).put("threads", threads)
        .put("ceiling_gflops", all).put("single_thread_gflops", one).put("speedup", all / one)
        .publish(config.output().root(), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }
}
