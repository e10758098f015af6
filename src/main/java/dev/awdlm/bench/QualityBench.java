package dev.awdlm.bench;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.Presets;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.EpochMetrics;
import dev.awdlm.train.TrainResult;
import dev.awdlm.train.Trainer;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench quality}: the PTB-small AWD-LSTM trained through prepare and train on the config's
 * corpus with 1 worker ({@code local[1]}) and with 2 ({@code local[2]}), in rounds of 5 DataSets
 * per worker under parameter averaging or gradient sharing, and whether the 2-worker validation
 * perplexity lands within {@link #TOLERANCE} of the 1-worker one. Under sharing, {@code local[2]}
 * is one JVM with one trainer, which both tasks feed: the observed workers say so.
 */
public final class QualityBench {
  public static final double TOLERANCE = 0.05;
  /** Streams per step summed over the workers when the global batch is held. */
  public static final int GLOBAL_BATCH = 20;

  private QualityBench() {}

  /**
   * @param epochs epochs per training
   * @param anneal divide the learning rate by 10 for the last epoch
   * @param holdGlobalBatch give each of W workers {@link #GLOBAL_BATCH}/W streams per DataSet, not GLOBAL_BATCH each
   * @param lrScaling {@code train.lrScaling} of both runs (the config validates it)
   * @param sync {@code train.sync} of both runs (the config validates it)
   * @param stamp names the runs {@code bench-quality-<stamp>-w<workers>}; the command gives a new run id
   */
  public record Options(int epochs, boolean anneal, boolean holdGlobalBatch, String lrScaling, String sync, String stamp) {
    public Options {
      if (epochs < 1) throw new ConfigError("--epochs", epochs, "must be >= 1");
      if (anneal && epochs < 2) throw new ConfigError("--epochs", epochs, "must be >= 2 to anneal the last epoch (or give --no-anneal)");
      if (anneal && "sharing".equals(sync)) {
        throw new ConfigError("--anneal", true, "cannot be used with --sync sharing: gradient sharing keeps the learning rate of its "
            + "first round (give --no-anneal)");
      }
    }
  }

  /** The outcome: {@code ratio = valPpl2 / valPpl1}, and whether it is within the tolerance of 1. */
  public record Verdict(double ratio, boolean meetsTarget) {
    public static Verdict of(double valPpl1, double valPpl2) {
      double ratio = valPpl2 / valPpl1;
      return new Verdict(ratio, Math.abs(ratio - 1) <= TOLERANCE);
    }
  }

  /**
   * The config of the run with {@code workers} workers: the user's overrides, then the PTB-small
   * preset, then this bench's settings, which win.
   */
  static List<String> overrides(Options options, List<String> user, int workers) {
    List<String> all = new ArrayList<>(user);
    all.addAll(Presets.PTB_SMALL);
    all.addAll(List.of("train.averagingFrequency=5", "train.epochs=" + options.epochs(),
        "train.when=" + (options.anneal() ? "[" + (options.epochs() - 1) + "]" : "[]"), "train.lrScaling=" + options.lrScaling(),
        "train.sync=" + options.sync(),
        "train.workers=" + workers, "train.batchSize=" + (options.holdGlobalBatch() ? GLOBAL_BATCH / workers : GLOBAL_BATCH)));
    return all;
  }

  /**
   * Trains both runs (under {@code <output.dir>/bench-quality-<stamp>-w<workers>}), prints their
   * epochs, and publishes {@code <output.dir>/bench/quality.json}.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}: the corpus and anything the preset leaves
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    AwdlmConfig[] configs = new AwdlmConfig[3];
    TrainResult[] runs = new TrainResult[3];
    for (int workers = 1; workers <= 2; workers++) configs[workers] = ConfigLoader.load(config, overrides(options, overrides, workers));
    for (int workers = 1; workers <= 2; workers++) {
      RunLayout layout = RunLayout.of(configs[workers].output(), "bench-quality-" + options.stamp() + "-w" + workers);
      runs[workers] = train(configs[workers], layout, options.epochs(), out);
    }
    double ppl1 = last(runs[1]).valPpl();
    double ppl2 = last(runs[2]).valPpl();
    Verdict verdict = Verdict.of(ppl1, ppl2);
    out.printf("2 workers / 1 worker: %.3f (target within %.0f%%)%n", verdict.ratio(), 100 * TOLERANCE);
    BenchResult result = new BenchResult("quality").put("sync", options.sync()).put("epochs", options.epochs())
        .put("anneal_last_epoch", options.anneal())
        .put("lr_scaling", options.lrScaling()).put("hold_global_batch", options.holdGlobalBatch())
        .put("val_ppl_1", ppl1).put("val_ppl_2", ppl2).put("ratio", verdict.ratio())
        .put("train_seconds_1", runs[1].seconds()).put("train_seconds_2", runs[2].seconds())
        .put("workers_1", runs[1].workers()).put("workers_2", runs[2].workers())
        .put("meets_target", verdict.meetsTarget());
    result.publish(configs[1].output().root(), SparkSessions.hadoopConfiguration(), out);
    return result;
  }

  /** Prepares and trains one run on {@code local[train.workers]}. */
  private static TrainResult train(AwdlmConfig c, RunLayout layout, int epochs, PrintStream out) {
    int workers = c.train().workers();
    SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + workers + "]").set("spark.ui.enabled", "false");
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      PrepareStats prepared = PrepareJob.run(c, sc, layout);
      TrainResult r = Trainer.train(c, sc, layout, prepared);
      for (EpochMetrics e : r.epochs()) {
        out.printf("%d worker(s) x %d streams, epoch %d at lr %s: validation perplexity %.2f%n",
            workers, c.train().batchSize(), e.epoch(), e.lr(), e.valPpl());
      }
      out.printf("%d worker(s) (%d observed training): validation perplexity %.2f after %d epoch(s), %.0f s of training (%s)%n",
          workers, r.workers(), last(r).valPpl(), epochs, r.seconds(), layout.runDir());
      return r;
    }
  }

  private static EpochMetrics last(TrainResult r) {
    return r.epochs().get(r.epochs().size() - 1);
  }
}
