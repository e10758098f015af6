package dev.awdlm.cli;

import dev.awdlm.bench.ModelBench;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"Measure AWD-LSTM training tokens/s and GFLOP/s in one JVM on all cores, batch 20,",
        "vocabulary 10k, all dropouts at awd-lstm-lm's PTB values, against a stock DL4J LSTM stack",
        "of the same widths and FLOPs (with DL4J's own dropouts) and the sgemm FLOP ceiling,",
        "measured right before and right after each model's training (the fraction is of the",
        "higher; a run where they differ by more than 15%% is flagged as not quiet):",
        "  small: emsize 200, nhid 400, 3 layers, tied, bptt 35",
        "  full:  emsize 400, nhid 1150, 3 layers, tied, bptt 70, ~24M parameters",
        "Each size's stateful evaluation speed is measured too, at 10 and at 100 streams.",
        "JSON keys: small_tokens_per_s, full_tokens_per_s, small_ceiling_fraction,",
        "full_ceiling_fraction, stock_small_tokens_per_s, ceiling_gflops, eval_small_10_ratio,",
        "eval_full_10_ratio, peak_rss_mb, ..."})
final class ModelBenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--seconds", defaultValue = "20", description = "Timed seconds per model (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--op-threads", defaultValue = "1",
      description = "OpenMP threads for ND4J's elementwise ops (default: ${DEFAULT-VALUE}; BLAS always uses every core).")
  int opThreads;

  @Option(names = "--sizes", split = ",", defaultValue = "small,full",
      description = "Sizes to measure: small, full or both (default ${DEFAULT-VALUE}); the stock LSTM comes with small.")
  List<String> sizes;

  @Override
  public Integer call() {
    ModelBench.run(new ModelBench.Options(seconds, opThreads, sizes), common.config, BenchCommand.overrides(common), System.out);
    return AwdlmCommand.OK;
  }
}
