package dev.awdlm.bench;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.Presets;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.eval.PerplexityEvaluator;
import dev.awdlm.io.PeakRss;
import dev.awdlm.model.AwdLstmSpec;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.LearningRateSchedule;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.OptionalLong;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * {@code bench model}: training throughput of a language-model network in this JVM, TBPTT updates
 * over random token streams (the cost does not depend on the tokens), tokens/s after warm-up
 * windows; the PTB presets' AWD-LSTMs against a stock DL4J LSTM stack of the same FLOPs
 * ({@link LanguageModels#stockBaseline}) and the GEMM ceiling, measured right before and right after
 * each model's training so that a neighbour's load can neither inflate a fraction nor pass unnoticed.
 * GFLOP/s are {@link TrainingFlops}.
 */
public final class ModelBench {
  static final int VOCAB = 10_000;
  /** Streams of awd-lstm-lm's stateful evaluation (its eval batch size), and a wide evaluation beside it. */
  static final int EVAL_STREAMS = 10;
  static final int EVAL_WIDE = 100;
  static final List<String> SIZES = List.of("small", "full");
  private static final String STOCK = "stock_small";
  private static final long RSS_SAMPLE_MILLIS = 200;

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
   * One model's figures.
   *
   * @param key its prefix in the JSON: small, full, stock_small
   * @param ceilingBeforeGflops the sgemm ceiling measured right before its training run
   * @param ceilingAfterGflops the same right after it
   * @param evalTokensPerS stateful evaluation tokens/s by streams; empty for the stock model
   */
  record Figures(String key, long parameters, double ceilingBeforeGflops, double ceilingAfterGflops, double flopsPerToken,
      double tokensPerS, Map<Integer, Double> evalTokensPerS) {
    /**
     * The higher of the two ceilings: a neighbour that slows one of them cannot inflate the
     * fraction (on 2026-12-03 a ceiling that fell from about 120 to 82 GFLOP/s between runs turned
     * an unchanged 1,451 tokens/s into "50.3%").
     */
    double ceilingGflops() {
      return Math.max(ceilingBeforeGflops, ceilingAfterGflops);
    }

    /** Whether the two ceilings agree within {@link #STEADY}: when not, the machine was not quiet. */
    boolean steady() {
      return Math.abs(ceilingBeforeGflops - ceilingAfterGflops) <= STEADY * ceilingGflops();
    }

    double gflops() {
      return tokensPerS * flopsPerToken / 1e9;
    }

    double ceilingFraction() {
      return gflops() / ceilingGflops();
    }

    String speed() {
      return String.format("%.0f tokens/s x %.1f MFLOP/token = %.1f GFLOP/s = %.1f%% of the ceiling (%.1f before, %.1f after)%s",
          tokensPerS, flopsPerToken / 1e6, gflops(), 100 * ceilingFraction(), ceilingBeforeGflops, ceilingAfterGflops,
          steady() ? "" : String.format("; WARNING: the ceiling moved by more than %.0f%% during the run, so the machine was "
              + "not quiet and this fraction is not a figure to quote", 100 * STEADY));
    }
  }

  /** The largest relative change of the ceiling across a training run that still counts as a quiet machine. */
  static final double STEADY = 0.15;

  /**
   * Measures each size, prints a line per figure, and publishes {@code <output.dir>/bench/model.json}.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}: where the result
   *     goes and {@code train.seed}; the models are the presets, whatever the config says
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    AwdlmConfig c = ConfigLoader.load(config, overrides);
    try (PeakRss rss = PeakRss.start(RSS_SAMPLE_MILLIS)) {
      int cores = Runtime.getRuntime().availableProcessors();
      // GEMMs use every core. A step's elementwise ops touch only B x H values, too few to pay for
      // OpenMP's dispatch, so by default they run on the calling thread.
      Nd4j.getEnvironment().setMaxMasterThreads(options.opThreads());
      Nd4j.getEnvironment().setMaxThreads(options.opThreads());
      Nd4j.factory().blas().setMaxThreads(cores);
      List<Figures> figures = new ArrayList<>();
      int batch = 0;
      for (String size : options.sizes()) {
        AwdlmConfig preset = preset(size, c.train().seed());
        batch = preset.train().batchSize();
        figures.add(awdLstm(size, preset, options.seconds(), cores, out));
        if (size.equals("small")) figures.add(stock(preset, options.seconds(), cores, out));
      }
      out.printf("peak RSS of this JVM and its children: %s%n", rss.describe());
      BenchResult result = summary(cores, options.opThreads(), batch, figures, rss.peakMb());
      result.publish(c.output().root(), SparkSessions.hadoopConfiguration(), out);
      return result;
    }
  }

  /** The PTB preset of {@code size} over reference.conf alone, with the user's seed. */
  static AwdlmConfig preset(String size, long seed) {
    List<String> overrides = new ArrayList<>(size.equals("small") ? Presets.PTB_SMALL : Presets.PTB_FULL);
    overrides.add("train.seed=" + seed);
    // windows of exactly bptt steps: the figure is the kernel's speed at the preset's length
    overrides.add("train.variableBptt=false");
    return ConfigLoader.load(null, overrides);
  }

  /**
   * The JSON: per model its tokens/s, GFLOP/s, ceiling (the higher of the readings before and after,
   * both also written) and fraction of it, whether the two readings agreed, and for the AWD-LSTMs
   * {@code eval_<size>_<streams>_ratio}, evaluation over training tokens/s; {@code ceiling_gflops}
   * is the highest ceiling of the run.
   */
  static BenchResult summary(int cores, int opThreads, int batch, List<Figures> figures, OptionalLong peakRssMb) {
    BenchResult result = new BenchResult("model").put("cores", cores).put("op_threads", opThreads)
        .put("batch", batch).put("vocab", VOCAB);
    Map<String, Figures> byKey = new LinkedHashMap<>();
    for (Figures f : figures) {
      byKey.put(f.key(), f);
      result.put(f.key() + "_tokens_per_s", f.tokensPerS()).put(f.key() + "_gflops", f.gflops())
          .put(f.key() + "_ceiling_gflops", f.ceilingGflops()).put(f.key() + "_ceiling_fraction", f.ceilingFraction())
          .put(f.key() + "_ceiling_before_gflops", f.ceilingBeforeGflops()).put(f.key() + "_ceiling_after_gflops", f.ceilingAfterGflops())
          .put(f.key() + "_ceiling_steady", f.steady())
          .put(f.key() + "_flops_per_token", f.flopsPerToken()).put(f.key() + "_parameters", f.parameters());
      f.evalTokensPerS().forEach((streams, tps) -> result.put("eval_" + f.key() + "_" + streams + "_tokens_per_s", tps)
          .put("eval_" + f.key() + "_" + streams + "_ratio", tps / f.tokensPerS()));
    }
    if (byKey.containsKey("small") && byKey.containsKey(STOCK)) {
      result.put("small_vs_stock", byKey.get("small").tokensPerS() / byKey.get(STOCK).tokensPerS());
    }
    result.put("ceiling_gflops", figures.stream().mapToDouble(Figures::ceilingGflops).max().orElse(Double.NaN));
    return result.put("peak_rss_mb", peakRssMb.isPresent() ? peakRssMb.getAsLong() : null);
  }

  /** Training, then stateful evaluation at two widths, of one preset. */
  private static Figures awdLstm(String size, AwdlmConfig c, double seconds, int cores, PrintStream out) {
    ModelConfig m = c.model();
    TrainConfig t = c.train();
    double before = ceiling("before " + size, cores, out);
    MultiLayerNetwork net = LanguageModels.awdLstm(m, t, VOCAB, LearningRateSchedule.initial(t));
    double flops = TrainingFlops.of(AwdLstmSpec.of(m, t, VOCAB)).perToken();
    double tps = trainingSpeed(net, VOCAB, t.batchSize(), t.bptt(), 2, seconds, 1).tokensPerSecond();
    double after = ceiling("after " + size, cores, out);
    out.printf("AWD-LSTM %s (%d/%d, %d layers, tied, bptt %d, %,d parameters, all PTB dropouts, AR/TAR): %s%n", size, m.emsize(),
        m.nhid(), m.nlayers(), t.bptt(), net.numParams(), new Figures(size, net.numParams(), before, after, flops, tps, Map.of()).speed());
    // A step's recurrent GEMM re-reads W_hh whatever the batch, so evaluation throughput grows
    // with the streams each task evaluates (train.evalBatchSize, evaluate --chunks).
    // Streams as long as the preset's evaluation files (data.windowsPerShard windows): the evaluator
    // builds the fused op's weight copies once for all the windows it evaluates, as evaluate does per chunk.
    Map<Integer, Double> eval = new LinkedHashMap<>();
    for (int streams : new int[] {EVAL_STREAMS, EVAL_WIDE}) {
      double e = evaluationSpeed(net, VOCAB, streams, t.bptt(), c.data().windowsPerShard(), seconds / 2, 2).tokensPerSecond();
      out.printf("AWD-LSTM %s evaluation (%d streams, stateful, no dropout): %.0f tokens/s = %.2fx training (target >= 3x)%n",
          size, streams, e, e / tps);
      eval.put(streams, e);
    }
    return new Figures(size, net.numParams(), before, after, flops, tps, eval);
  }

  /** The stock DL4J stack at the small preset's widths and FLOPs, with the dropouts DL4J has. */
  private static Figures stock(AwdlmConfig small, double seconds, int cores, PrintStream out) {
    ModelConfig m = small.model();
    TrainConfig t = small.train();
    double before = ceiling("before the stock LSTM", cores, out);
    MultiLayerNetwork net = LanguageModels.stockBaseline(m, t, VOCAB, LearningRateSchedule.initial(t));
    double flops = TrainingFlops.of(net).perToken();
    // DL4J's LSTM runs its forward pass through libnd4j's oneDNN helper where it has one, and then
    // trained at about half the speed (336 tokens/s against 532-831, docs/measured-figures.md round 4):
    // the baseline runs on libnd4j's own kernels, its faster setting.
    boolean helpers = Nd4j.getEnvironment().helpersAllowed();
    double tps;
    try {
      Nd4j.getEnvironment().allowHelpers(false);
      tps = trainingSpeed(net, VOCAB, t.batchSize(), t.bptt(), 2, seconds, 1).tokensPerSecond();
    } finally {
      Nd4j.getEnvironment().allowHelpers(helpers);
    }
    Figures f = new Figures(STOCK, net.numParams(), before, ceiling("after the stock LSTM", cores, out), flops, tps, Map.of());
    out.printf("stock DL4J LSTM at the small AWD-LSTM's widths (%d/%d/%d/%d, decoder %dx%d untied, %,d parameters; locked "
        + "SpatialDropout %.2f on the first LSTM's input and %.2f on the others', Dropout %.2f on the decoder's input; no "
        + "embedding dropout, weight drop, AR/TAR; libnd4j's own kernels, oneDNN helpers off): %s%n", m.emsize(), m.hiddenSize(0), m.hiddenSize(1), m.hiddenSize(m.nlayers() - 1),
        m.hiddenSize(m.nlayers() - 1), VOCAB, net.numParams(), m.dropouti(), m.dropouth(), m.dropout(), f.speed());
    return f;
  }

  private static double ceiling(String when, int cores, PrintStream out) {
    double g = GemmCeiling.gflops(2048, cores, 3);
    out.printf("sgemm ceiling %s: %.1f GFLOP/s on %d threads (%s)%n", when, g, cores,
        MachineLoad.describe(MachineLoad.loadAverage(), OptionalDouble.empty()));
    return g;
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
}
