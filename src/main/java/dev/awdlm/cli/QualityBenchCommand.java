package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.bench.BenchResult;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.EpochMetrics;
import dev.awdlm.train.TrainResult;
import dev.awdlm.train.Trainer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "quality", mixinStandardHelpOptions = true,
    description = {
        "Train the small AWD-LSTM (200/400, 3 layers, bptt 35, PTB dropouts, SGD lr 30) on the config's corpus (Brown in conf/local.conf) for --epochs epochs with 1 worker (local[1]) and with 2 workers (local[2]), averaging every 5 DataSets, and print both validation perplexities.",
        "The last epoch runs at lr/10 (train.when), so both runs end settled rather than wherever lr 30's noise left them; --no-anneal keeps the rate throughout.",
        "Both runs take the same global batch of 20 streams per step: 2 workers take 10 each. --no-hold-global-batch gives each worker 20, so the 2-worker run takes half as many steps. Workers' rates follow train.lrScaling (--lr-scaling).",
        "JSON keys: val_ppl_1, val_ppl_2, ratio. Target: the 2-worker result within 5%% of the 1-worker one."})
final class QualityBenchCommand implements Callable<Integer> {
  static final double TOLERANCE = 0.05;
  /** Streams per step summed over the workers when the global batch is held. */
  static final int GLOBAL_BATCH = 20;

  @Mixin CommonOptions common;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs per training (default ${DEFAULT-VALUE}).")
  int epochs;

  // Two epochs at lr 30 moved one worker's validation perplexity from 181 to 198 (measured): a
  // comparison of the last epochs at that rate measures SGD noise, not parameter averaging.
  @Option(names = "--anneal", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Divide the learning rate by 10 for the last epoch (default ${DEFAULT-VALUE}; needs --epochs >= 2).")
  boolean anneal;

  // With 20 streams per worker, 2 workers took half as many (averaged) steps per epoch and ended
  // 14% behind 1 worker (151.9 against 133.3, measured); scaling their rate did not recover it
  // (lr 60 diverged, capped scaling gained 1%). Holding the global batch is the strong-scaling
  // comparison: the same steps of the same batch, computed by two workers.
  @Option(names = "--hold-global-batch", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Give each of W workers " + GLOBAL_BATCH + "/W streams per DataSet (default ${DEFAULT-VALUE}).")
  boolean holdGlobalBatch;

  // With the global batch held the rate stays as it is; the scaled rules are for a growing one.
  // Measured per-worker-batch runs: linear-capped 151.9, none 153.4, linear (lr 60) 766 after epoch 1.
  @Option(names = "--lr-scaling", defaultValue = "none",
      description = "train.lrScaling for both runs: none, linear or linear-capped (default ${DEFAULT-VALUE}).")
  String lrScaling;

  @Override
  public Integer call() {
    if (epochs < 1) throw new ConfigError("--epochs", epochs, "must be >= 1");
    if (anneal && epochs < 2) throw new ConfigError("--epochs", epochs, "must be >= 2 to anneal the last epoch (or give --no-anneal)");
    List<String> overrides = new ArrayList<>(common.overrides);
    overrides.addAll(List.of("model.emsize=200", "model.nhid=400", "model.nlayers=3", "model.tied=true",
        "model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65", "model.dropoute=0.1", "model.wdrop=0.5",
        "train.bptt=35", "train.averagingFrequency=5", "train.optimizer=sgd", "train.lr=30",
        "train.clip=0.25", "train.alpha=2", "train.beta=1", "train.epochs=" + epochs,
        "train.when=" + (anneal ? "[" + (epochs - 1) + "]" : "[]"), "train.lrScaling=" + lrScaling));
    common.overrides = overrides;
    AwdlmConfig base = common.load();
    String stamp = CommonOptions.newRunId();
    double[] ppl = new double[3];
    double[] seconds = new double[3];
    for (int workers = 1; workers <= 2; workers++) {
      List<String> withWorkers = new ArrayList<>(overrides);
      withWorkers.add("train.workers=" + workers);
      withWorkers.add("train.batchSize=" + (holdGlobalBatch ? GLOBAL_BATCH / workers : GLOBAL_BATCH));
      common.overrides = withWorkers;
      AwdlmConfig config = common.load();
      RunLayout layout = RunLayout.of(config.output(), "bench-quality-" + stamp + "-w" + workers);
      SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + workers + "]").set("spark.ui.enabled", "false");
      try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
        JavaSparkContext sc = SparkSessions.context(spark);
        PrepareStats prepared = PrepareJob.run(config, sc, layout);
        TrainResult r = Trainer.train(config, sc, layout, prepared);
        EpochMetrics last = r.epochs().get(r.epochs().size() - 1);
        ppl[workers] = last.valPpl();
        seconds[workers] = r.seconds();
        for (EpochMetrics e : r.epochs()) {
          System.out.printf("%d worker(s) x %d streams, epoch %d at lr %s: validation perplexity %.2f%n",
              workers, config.train().batchSize(), e.epoch(), e.lr(), e.valPpl());
        }
        System.out.printf("%d worker(s): validation perplexity %.2f after %d epoch(s), %.0f s of training (%s)%n",
            workers, ppl[workers], epochs, seconds[workers], layout.runDir());
      }
    }
    double ratio = ppl[2] / ppl[1];
    System.out.printf("2 workers / 1 worker: %.3f (target within %.0f%%)%n", ratio, 100 * TOLERANCE);
    new BenchResult("quality").put("epochs", epochs).put("anneal_last_epoch", anneal).put("lr_scaling", lrScaling)
        .put("hold_global_batch", holdGlobalBatch).put("val_ppl_1", ppl[1]).put("val_ppl_2", ppl[2]).put("ratio", ratio)
        .put("train_seconds_1", seconds[1]).put("train_seconds_2", seconds[2])
        .put("meets_target", Math.abs(ratio - 1) <= TOLERANCE)
        .publish(base.output().root(), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }
}
