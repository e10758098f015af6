package dev.awdlm.bench;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.spark.SparkSessions;
import java.io.File;
import java.io.PrintStream;
import java.util.List;

/** {@code bench ceiling}: the float32 GEMM FLOP ceiling on all cores, against one core. */
public final class CeilingBench {
  private CeilingBench() {}

  /**
   * @param size matrix size n of the n x n products
   * @param seconds timed seconds per measurement
   */
  public record Options(int size, double seconds) {
    public Options {
      if (size < 1) throw new ConfigError("--size", size, "must be >= 1");
      if (!(seconds > 0) || Double.isInfinite(seconds)) throw new ConfigError("--seconds", seconds, "must be a finite number > 0");
    }
  }

  /**
   * Measures, prints, and publishes {@code <output.dir>/bench/ceiling.json}.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}: where the result goes
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    AwdlmConfig c = ConfigLoader.load(config, overrides);
    int threads = Runtime.getRuntime().availableProcessors();
    double one = GemmCeiling.gflops(options.size(), 1, options.seconds());
    double all = GemmCeiling.gflops(options.size(), threads, options.seconds());
    out.printf("sgemm %d^3: %.1f GFLOP/s on 1 thread, %.1f GFLOP/s on %d threads (%.2fx)%n",
        options.size(), one, all, threads, all / one);
    BenchResult result = new BenchResult("ceiling")
        .put("size", options.size()).put("threads", threads)
        .put("ceiling_gflops", all).put("single_thread_gflops", one).put("speedup", all / one);
    result.publish(c.output().root(), SparkSessions.hadoopConfiguration(), out);
    return result;
  }
}
