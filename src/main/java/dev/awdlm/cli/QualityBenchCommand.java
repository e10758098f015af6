package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.bench.BenchResult;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
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
    description = {"Train the small AWD-LSTM (200/400, 3 layers, bptt 35, PTB dropouts, SGD lr 30) on the",
        "config's corpus (Brown in conf/local.conf) for --epochs epochs with 1 worker (local[1]) and with",
        "2 workers (local[2]), averaging every 5 DataSets, and print both validation perplexities.",
        "The last epoch runs at lr/10 (train.when), so both runs end settled rather than wherever lr 30's",
        "noise left them; --no-anneal keeps the rate throughout. Workers' rates follow train.lrScaling,",
        "linear-capped here (2 workers at lr 30, then 6): averaging 2 workers applies half of each one's",
        "update. --lr-scaling none runs both at 30 then 3; linear runs 2 workers at 60 then 6.",
        "JSON keys: val_ppl_1, val_ppl_2, ratio. Target: the 2-worker result within 5% of the 1-worker one."})
final class QualityBenchCommand implements Callable<Integer> {
  static final double TOLERANCE = 0.05;

  @Mixin CommonOptions common;

  @Option(names = "--epochs", defaultValue = "3", description = "Epochs per training (default ${DEFAULT-VALUE}).")
  int epochs;

  // Two epochs at lr 30 moved one worker's validation perplexity from 181 to 198 (measured): a
  // comparison of the last epochs at that rate measures SGD noise, not parameter averaging.
  @Option(names = "--anneal", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Divide the learning rate by 10 for the last epoch (default ${DEFAULT-VALUE}; needs --epochs >= 2).")
  boolean anneal;

  // Measured: one epoch at lr 3 took 1 worker from 169.8 to 134.3, and unscaled 2 workers only from
  // 168.3 to 153.4. Capped scaling (2 workers at 6) reached 151.9, so the rate explains little of
  // the gap. Uncapped, 2 workers at lr 60 reached 766 after epoch 1, against 1 worker's 200.
  @Option(names = "--lr-scaling", defaultValue = "linear-capped",
      description = "train.lrScaling for both runs: none, linear or linear-capped (default ${DEFAULT-VALUE}).")
  String lrScaling;

  @Override
  public Integer call() {
    if (epochs < 1) throw new ConfigError("--epochs", epochs, "must be >= 1");
    if (anneal && epochs < 2) throw new ConfigError("--epochs", epochs, "must be >= 2 to anneal the last epoch (or give --no-anneal)");
    List<String> overrides = new ArrayList<>(common.overrides);
    overrides.addAll(List.of("model.emsize=200", "model.nhid=400", "model.nlayers=3", "model.tied=true",
        "model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65", "model.dropoute=0.1", "model.wdrop=0.5",
        "train.bptt=35", "train.batchSize=20", "train.averagingFrequency=5", "train.optimizer=sgd", "train.lr=30",
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
      common.overrides = withWorkers;
      AwdlmConfig config = common.load();
      RunLayout layout = RunLayout.of(HadoopFs.location("output.dir", config.output().dir()), "bench-quality-" + stamp + "-w" + workers);
      SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + workers + "]").set("spark.ui.enabled", "false");
      try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
        JavaSparkContext sc = SparkSessions.context(spark);
        PrepareStats prepared = PrepareJob.run(config, sc, layout);
        TrainResult r = Trainer.train(config, sc, layout, prepared);
        EpochMetrics last = r.epochs().get(r.epochs().size() - 1);
        ppl[workers] = last.valPpl();
        seconds[workers] = r.seconds();
        for (EpochMetrics e : r.epochs()) {
          System.out.printf("%d worker(s), epoch %d at lr %s: validation perplexity %.2f%n", workers, e.epoch(), e.lr(), e.valPpl());
        }
        System.out.printf("%d worker(s): validation perplexity %.2f after %d epoch(s), %.0f s of training (%s)%n",
            workers, ppl[workers], epochs, seconds[workers], layout.runDir());
      }
    }
    double ratio = ppl[2] / ppl[1];
    System.out.printf("2 workers / 1 worker: %.3f (target within %.0f%%)%n", ratio, 100 * TOLERANCE);
    new BenchResult("quality").put("epochs", epochs).put("anneal_last_epoch", anneal).put("lr_scaling", lrScaling).put("val_ppl_1", ppl[1]).put("val_ppl_2", ppl[2]).put("ratio", ratio)
        .put("train_seconds_1", seconds[1]).put("train_seconds_2", seconds[2])
        .put("meets_target", Math.abs(ratio - 1) <= TOLERANCE)
        .publish(HadoopFs.location("output.dir", base.output().dir()), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }
}
