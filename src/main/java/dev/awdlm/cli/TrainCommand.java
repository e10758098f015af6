package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.TrainResult;
import dev.awdlm.train.Trainer;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "train", mixinStandardHelpOptions = true,
    description = {"Train the language model of a prepared run with parameter averaging.",
        "Needs --run-id of a prepared run; writes <run>/checkpoints/ every epoch, then",
        "<run>/model/model.zip and <run>/train.json. --resume continues a crashed or stopped run."})
final class TrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--resume", paramLabel = "RUN_ID",
      description = {"Continue run RUN_ID from its last complete checkpoint. A corrupt one is skipped; one the",
          "filesystem fails to read stops the resume (exit 1). A run with no checkpoint yet starts at epoch 1."})
  String resume;

  @Option(names = "--force", description = {"With --resume: continue although the config differs from the checkpoint's,",
      "or start over from epoch 1 when checkpoints exist but none reads back complete."})
  boolean force;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    if (resume != null) {
      if (common.runId != null && !common.runId.equals(resume)) {
        throw new ConfigError("--resume", resume, "names another run than --run-id " + common.runId);
      }
      common.runId = resume;
    } else if (force) {
      throw new ConfigError("--force", "only means something with --resume");
    }
    RunLayout layout = common.existingLayout(config);
    new Preflight().prepared(layout);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      TrainResult result = Trainer.train(config, sc, layout, PrepareJob.readStats(layout, sc.hadoopConfiguration()),
          new Trainer.Start(resume != null, force));
      var last = result.epochs().get(result.epochs().size() - 1);
      System.out.printf("trained run %s: %d epochs, validation perplexity %.2f -> %s%n", layout.runId(),
          result.epochs().size(), last.valPpl(), layout.model());
    }
    return AwdlmCommand.OK;
  }
}
