package dev.awdlm.cli;

import dev.awdlm.bench.CeilingBench;
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
    CeilingBench.run(new CeilingBench.Options(size, seconds), common.config, BenchCommand.overrides(common), System.out);
    return AwdlmCommand.OK;
  }
}
