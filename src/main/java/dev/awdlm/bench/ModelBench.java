package dev.awdlm.bench;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.Presets;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.eval.PerplexityEvaluator;
import dev.awdlm.model.AwdLstmSpec;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.LearningRateSchedule;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code bench model}: training throughput of a language-model network in this JVM, TBPTT updates
 * over random token streams (the cost does not depend on the tokens), tokens/s after warm-up
 * windows; the PTB presets' AWD-LSTMs against a stock DL4J LSTM stack and the GEMM ceiling.
 */
public final class ModelBench {
  static final int VOCAB = 10_000;
  /** Streams of the wide evaluation, beside the preset's train.evalBatchSize. */
  static final int EVAL_WIDE = 100;
  static final List<String> SIZES = List.of("small", "full");

  private ModelBench() {}

  /**
   * @param seconds timed seconds of training per model
   * @param opThreads OpenMP threads for ND4J's elementwise ops (BLAS always uses every core)
   * @param sizes {@code small} and/or {@code full}: the PTB presets to measure; the stock LSTM comes with small
   */
  public record Options(double seconds, int opThreads, List<String> sizes) {
    public Options {
      if (!(seconds > 0) || Double.isInfinite(seconds)) throw new ConfigError("--seconds", seconds, "must be a finite number > 0");
      if (opThreads < 1) throw new ConfigError("--op-threads", opThreads, "must be >= 1");
      sizes = List.copyOf(sizes);
      if (sizes.isEmpty()) throw new ConfigError("--sizes", "name small, full or both");
      for (String size : sizes) if (!SIZES.contains(size)) throw new ConfigError("--sizes", size, "must be small or full");
    }
  }

  /**
   * Measures each size, prints a line per figure, and publishes {@code <output.dir>/bench/model.json}.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}: where the result
   *     goes and {@code train.seed}; the models are the presets, whatever the config says
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    AwdlmConfig c = ConfigLoader.load(config, overrides);
    int cores = Runtime.getRuntime().availableProcessors();
    // GEMMs use every core. A step's elementwise ops touch only B x H values, too few to pay for
    // OpenMP's dispatch, so by default they run on the calling thread.
    Nd4j.getEnvironment().setMaxMasterThreads(options.opThreads());
    Nd4j.getEnvironment().setMaxThreads(options.opThreads());
    Nd4j.factory().blas().setMaxThreads(cores);

    double ceiling = GemmCeiling.gflops(2048, cores, 3);
    out.printf("sgemm ceiling: %.1f GFLOP/s on %d threads%n", ceiling, cores);
    AwdlmConfig small = preset("small", c.train().seed());
    BenchResult result = new BenchResult("model").put("cores", cores).put("op_threads", options.opThreads())
        .put("batch", small.train().batchSize()).put("vocab", VOCAB).put("ceiling_gflops", ceiling);
    if (options.sizes().contains("small")) {
      double smallTps = measure("small", small, options.seconds(), ceiling, result, out);
      ModelConfig m = small.model();
      ModelConfig stockSmall = new ModelConfig(m.emsize(), m.nhid(), m.nlayers(), 0, 0, 0, 0, 0, false, ModelConfig.Kind.LSTM);
      MultiLayerNetwork stock = LanguageModels.stockLstm(stockSmall, small.train(), VOCAB, LearningRateSchedule.initial(small.train()));
      double stockTps = trainingSpeed(stock, VOCAB, small.train().batchSize(), small.train().bptt(), 2, options.seconds(), 1)
          .tokensPerSecond();
      out.printf("stock DL4J LSTM (%d/%d, %d layers, untied, no dropout): %.0f tokens/s; AWD-LSTM small is %.2fx%n",
          m.emsize(), m.nhid(), m.nlayers(), stockTps, smallTps / stockTps);
      result.put("stock_small_tokens_per_s", stockTps).put("small_vs_stock", smallTps / stockTps);
    }
    if (options.sizes().contains("full")) measure("full", preset("full", c.train().seed()), options.seconds(), ceiling, result, out);
    result.publish(c.output().root(), SparkSessions.hadoopConfiguration(), out);
    return result;
  }

  /** The PTB preset of {@code size} over reference.conf alone, with the user's seed. */
  static AwdlmConfig preset(String size, long seed) {
    List<String> overrides = new ArrayList<>(size.equals("small") ? Presets.PTB_SMALL : Presets.PTB_FULL);
    overrides.add("train.seed=" + seed);
    // windows of exactly bptt steps: the figure is the kernel's speed at the preset's length
    overrides.add("train.variableBptt=false");
    return ConfigLoader.load(null, overrides);
  }

  /** Training, then stateful evaluation at two widths, of one size; returns its training tokens/s. */
  private static double measure(String name, AwdlmConfig c, double seconds, double ceiling, BenchResult result, PrintStream out) {
    ModelConfig m = c.model();
    TrainConfig t = c.train();
    AwdLstmSpec spec = AwdLstmSpec.of(m, t, VOCAB);
    MultiLayerNetwork net = LanguageModels.awdLstm(m, t, VOCAB, LearningRateSchedule.initial(t));
    double tps = trainingSpeed(net, VOCAB, t.batchSize(), t.bptt(), 2, seconds, 1).tokensPerSecond();
    double gflops = tps * trainingFlopsPerToken(spec) / 1e9;
    out.printf("AWD-LSTM %s (%d/%d, %d layers, bptt %d, %,d parameters): %.0f tokens/s, %.1f GFLOP/s = %.1f%% of the ceiling%n",
        name, m.emsize(), m.nhid(), m.nlayers(), t.bptt(), net.numParams(), tps, gflops, 100 * gflops / ceiling);
    result.put(name + "_tokens_per_s", tps).put(name + "_parameters", net.numParams())
        .put(name + "_gflops", gflops).put(name + "_ceiling_fraction", gflops / ceiling);
    // Stateful evaluation at awd-lstm-lm's 10 validation streams, and at EVAL_WIDE streams: a
    // step's recurrent GEMM re-reads W_hh whatever the batch, so throughput grows with the streams
    // each task evaluates (train.evalBatchSize, evaluate --chunks).
    for (int streams : new int[] {t.evalBatchSize(), EVAL_WIDE}) {
      double eval = evaluationSpeed(net, VOCAB, streams, t.bptt(), 2, seconds / 2, 2).tokensPerSecond();
      out.printf("AWD-LSTM %s evaluation (%d streams, stateful, no dropout): %.0f tokens/s = %.2fx training (target >= 3x)%n",
          name, streams, eval, eval / tps);
      String key = name + "_eval" + (streams == EVAL_WIDE ? EVAL_WIDE : "");
      result.put(key + "_tokens_per_s", eval).put(key + "_vs_train", eval / tps);
    }
    return tps;
  }

  /** A timed run: tokens trained and seconds. */
  public record Timing(long tokens, double seconds) {
    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  /**
   * @param windows BPTT windows per DataSet (state carries across them, as in training)
   * @param minSeconds keep training at least this long after the warm-up DataSet
   */
  public static Timing trainingSpeed(MultiLayerNetwork net, int vocab, int batch, int bptt, int windows, double minSeconds, long seed) {
    DataSet ds = randomStream(vocab, batch, bptt * windows, seed);
    net.fit(ds); // warm-up: JIT, allocations, BLAS threads
    long tokens = 0;
    long start = System.nanoTime();
    double elapsed;
    do {
      net.fit(ds);
      tokens += (long) batch * bptt * windows;
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < minSeconds);
    return new Timing(tokens, elapsed);
  }

  /**
   * Stateful evaluation throughput (inference mode, the code {@code evaluate} runs on executors) of
   * {@code rows} streams, after one warm-up pass.
   */
  public static Timing evaluationSpeed(MultiLayerNetwork net, int vocab, int rows, int bptt, int windows, double minSeconds,
      long seed) {
    DataSet ds = randomStream(vocab, rows, bptt * windows, seed);
    PerplexityEvaluator evaluator = new PerplexityEvaluator(bptt);
    evaluator.evaluate(net, ds);
    long tokens = 0;
    long start = System.nanoTime();
    double elapsed;
    do {
      tokens += evaluator.evaluate(net, ds).tokens();
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < minSeconds);
    net.rnnClearPreviousState();
    return new Timing(tokens, elapsed);
  }

  static DataSet randomStream(int vocab, int batch, int steps, long seed) {
    Random r = new Random(seed);
    float[] f = new float[batch * steps];
    float[] l = new float[batch * steps];
    for (int i = 0; i < f.length; i++) {
      f[i] = r.nextInt(vocab);
      l[i] = r.nextInt(vocab);
    }
    INDArray features = Nd4j.create(f, new long[] {batch, 1, steps}, 'c');
    INDArray labels = Nd4j.create(l, new long[] {batch, 1, steps}, 'c');
    return new DataSet(features.castTo(DataType.FLOAT), labels.castTo(DataType.FLOAT));
  }

  /**
   * Multiply-accumulates per token of the forward pass: input and recurrent GEMMs of every LSTM
   * layer plus the decoder. Training costs about three times this (forward, and backward for
   * activations and weights), and a multiply-accumulate is 2 FLOPs.
   */
  public static double trainingFlopsPerToken(AwdLstmSpec s) {
    double macs = 0;
    for (int l = 0; l < s.nlayers(); l++) {
      int h = s.hiddenSize(l);
      macs += 4.0 * h * (s.inputSize(l) + h);
    }
    macs += (double) s.hiddenSize(s.nlayers() - 1) * s.vocab();
    return 3 * 2 * macs;
  }
}
