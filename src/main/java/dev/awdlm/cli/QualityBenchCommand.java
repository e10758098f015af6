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
        "JSON keys: val_ppl_1, val_ppl_2, ratio. Target: the 2-worker result within 5% of the 1-worker one."})
final class QualityBenchCommand implements Callable<Integer> {
  static final double TOLERANCE = 0.05;

  @Mixin CommonOptions common;

  @Option(names = "--epochs", defaultValue = "1", description = "Epochs per training (default ${DEFAULT-VALUE}).")
  int epochs;

  @Override
  public Integer call() {
    if (epochs < 1) throw new ConfigError("--epochs", epochs, "must be >= 1");
    List<String> overrides = new ArrayList<>(common.overrides);
    overrides.addAll(List.of("model.emsize=200", "model.nhid=400", "model.nlayers=3", "model.tied=true",
        "model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65", "model.dropoute=0.1", "model.wdrop=0.5",
        "train.bptt=35", "train.batchSize=20", "train.averagingFrequency=5", "train.optimizer=sgd", "train.lr=30",
        "train.clip=0.25", "train.alpha=2", "train.beta=1", "train.epochs=" + epochs));
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
        System.out.printf("%d worker(s): validation perplexity %.2f after %d epoch(s), %.0f s of training (%s)%n",
            workers, ppl[workers], epochs, seconds[workers], layout.runDir());
      }
    }
    double ratio = ppl[2] / ppl[1];
    System.out.printf("2 workers / 1 worker: %.3f (target within %.0f%%)%n", ratio, 100 * TOLERANCE);
    new BenchResult("quality").put("epochs", epochs).put("val_ppl_1", ppl[1]).put("val_ppl_2", ppl[2]).put("ratio", ratio)
        .put("train_seconds_1", seconds[1]).put("train_seconds_2", seconds[2])
        .put("meets_target", Math.abs(ratio - 1) <= TOLERANCE)
        .publish(HadoopFs.location("output.dir", base.output().dir()), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }
}
