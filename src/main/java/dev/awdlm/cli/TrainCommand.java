package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.TrainResult;
import dev.awdlm.train.Trainer;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the language model of a prepared run with parameter averaging.",
        "Needs --run-id of a prepared run; writes <run>/model/model.zip and <run>/train.json."})
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    RunLayout layout = common.existingLayout(config);
    new Preflight().prepared(layout);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      TrainResult result = Trainer.train(config, sc, layout, PrepareJob.readStats(layout, sc.hadoopConfiguration()));
      var last = result.epochs().get(result.epochs().size() - 1);
      System.out.printf("trained run %s: %d epochs, validation perplexity %.2f -> %s%n", layout.runId(),
          result.epochs().size(), last.valPpl(), layout.model());
    }
    return AwdlmCommand.OK;
  }
}
