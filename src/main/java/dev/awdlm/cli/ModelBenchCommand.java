package dev.awdlm.cli;

import dev.awdlm.bench.BenchResult;
import dev.awdlm.bench.GemmCeiling;
import dev.awdlm.bench.ModelBench;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.model.AwdLstmSpec;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "model", mixinStandardHelpOptions = true,
    description = {"Measure AWD-LSTM training tokens/s in one JVM on all cores, batch 20, vocabulary 10k,",
        "all dropouts at awd-lstm-lm's PTB values, against a stock DL4J LSTM stack of the same sizes",
        "and the sgemm FLOP ceiling, all in this run:",
        "  small: emsize 200, nhid 400, 3 layers, bptt 35 (target >= 1500 tokens/s)",
        "  full:  emsize 400, nhid 1150, 3 layers, bptt 70, ~24M parameters (target >= 550 tokens/s)",
        "Each size's stateful evaluation speed is measured too, at 10 and at 100 streams (target >= 3x training).",
        "JSON keys: small_tokens_per_s, full_tokens_per_s, small_eval_tokens_per_s, small_eval_vs_train,",
        "small_eval100_tokens_per_s, small_eval100_vs_train,",
        "stock_small_tokens_per_s, ceiling_gflops, ..."})
final class ModelBenchCommand implements Callable<Integer> {
  static final int VOCAB = 10_000;
  static final int BATCH = 20;
  static final int EVAL_WIDE = 100;

  @Mixin CommonOptions common;

  @Option(names = "--seconds", defaultValue = "20", description = "Timed seconds per model (default ${DEFAULT-VALUE}).")
  double seconds;

  @Option(names = "--op-threads", description = "OpenMP threads for ND4J's elementwise ops (default: 1; BLAS always uses every core).")
  Integer opThreads;

  @Option(names = "--sizes", split = ",", defaultValue = "small,full",
      description = "Sizes to measure: small, full or both (default ${DEFAULT-VALUE}); the stock LSTM comes with small.")
  java.util.List<String> sizes;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    int cores = Runtime.getRuntime().availableProcessors();
    // GEMMs use every core. A step's elementwise ops touch only B x H values, too few to pay for
    // OpenMP's dispatch, so by default they run on the calling thread.
    int ops = opThreads != null ? opThreads : 1;
    Nd4j.getEnvironment().setMaxMasterThreads(ops);
    Nd4j.getEnvironment().setMaxThreads(ops);
    Nd4j.factory().blas().setMaxThreads(cores);

    double ceiling = GemmCeiling.gflops(2048, cores, 3);
    System.out.printf("sgemm ceiling: %.1f GFLOP/s on %d threads%n", ceiling, cores);
    BenchResult result = new BenchResult("model").put("cores", cores).put("op_threads", ops).put("batch", BATCH).put("vocab", VOCAB)
        .put("ceiling_gflops", ceiling);

    for (String size : sizes) {
      if (!size.equals("small") && !size.equals("full")) throw new dev.awdlm.config.ConfigError("--sizes", size, "must be small or full");
    }
    if (sizes.contains("small")) {
      ModelConfig small = new ModelConfig(200, 400, 3, 0.4, 0.3, 0.65, 0.1, 0.5, true, ModelConfig.Kind.AWD_LSTM);
      TrainConfig smallTrain = train(config.train(), 35);
      double smallTps = measure("small", small, smallTrain, ceiling, result);
      ModelConfig stockSmall = new ModelConfig(200, 400, 3, 0, 0, 0, 0, 0, false, ModelConfig.Kind.LSTM);
      MultiLayerNetwork stock = LanguageModels.stockLstm(stockSmall, smallTrain, VOCAB);
      double stockTps = ModelBench.trainingSpeed(stock, VOCAB, BATCH, 35, 2, seconds, 1).tokensPerSecond();
      System.out.printf("stock DL4J LSTM (200/400, 3 layers, untied, no dropout): %.0f tokens/s; AWD-LSTM small is %.2fx%n",
          stockTps, smallTps / stockTps);
      result.put("stock_small_tokens_per_s", stockTps).put("small_vs_stock", smallTps / stockTps);
    }
    if (sizes.contains("full")) {
      ModelConfig full = new ModelConfig(400, 1150, 3, 0.4, 0.3, 0.65, 0.1, 0.5, true, ModelConfig.Kind.AWD_LSTM);
      measure("full", full, train(config.train(), 70), ceiling, result);
    }
    result.publish(config.output().root(), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }

  private double measure(String name, ModelConfig m, TrainConfig t, double ceiling, BenchResult result) {
    AwdLstmSpec spec = AwdLstmSpec.of(m, t, VOCAB);
    MultiLayerNetwork net = LanguageModels.awdLstm(m, t, VOCAB);
    ModelBench.Timing timing = ModelBench.trainingSpeed(net, VOCAB, BATCH, t.bptt(), 2, seconds, 1);
    double tps = timing.tokensPerSecond();
    double gflops = tps * ModelBench.trainingFlopsPerToken(spec) / 1e9;
    System.out.printf("AWD-LSTM %s (%d/%d, %d layers, bptt %d, %,d parameters): %.0f tokens/s, %.1f GFLOP/s = %.1f%% of the ceiling%n",
        name, m.emsize(), m.nhid(), m.nlayers(), t.bptt(), net.numParams(), tps, gflops, 100 * gflops / ceiling);
    result.put(name + "_tokens_per_s", tps).put(name + "_parameters", net.numParams())
        .put(name + "_gflops", gflops).put(name + "_ceiling_fraction", gflops / ceiling);
    // Stateful evaluation at awd-lstm-lm's 10 validation streams, and at EVAL_WIDE streams: a
    // step's recurrent GEMM re-reads W_hh whatever the batch, so throughput grows with the streams
    // each task evaluates (train.evalBatchSize, evaluate --chunks).
    for (int streams : new int[] {t.evalBatchSize(), EVAL_WIDE}) {
      double eval = ModelBench.evaluationSpeed(net, VOCAB, streams, t.bptt(), 2, seconds / 2, 2).tokensPerSecond();
      System.out.printf("AWD-LSTM %s evaluation (%d streams, stateful, no dropout): %.0f tokens/s = %.2fx training (target >= 3x)%n",
          name, streams, eval, eval / tps);
      String key = name + "_eval" + (streams == EVAL_WIDE ? EVAL_WIDE : "");
      result.put(key + "_tokens_per_s", eval).put(key + "_vs_train", eval / tps);
    }
    return tps;
  }

  /** awd-lstm-lm's PTB training settings (SGD, AR/TAR on) at the given BPTT length. */
  private static TrainConfig train(TrainConfig base, int bptt) {
    return new TrainConfig(30, 0.25, 1, BATCH, 10, bptt, 2, 1, 1.2e-6, base.seed(), TrainConfig.Optimizer.SGD,
        5, java.util.List.of(), 1, 1, 0, TrainConfig.Repartition.NEVER, false, TrainConfig.LrScaling.NONE);
  }
}
