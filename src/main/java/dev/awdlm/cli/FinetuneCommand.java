package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.RunReport;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.train.Trainer;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "finetune", mixinStandardHelpOptions = true,
    description = {"Finetune a trained run as awd-lstm-lm's finetune.py: averaged SGD from the run's best model,",
        "at most finetune.epochs epochs, stopping when validation has not improved for train.nonmono epochs.",
        "Writes <run>/finetune/ (checkpoints/, model/, train.json, report/); the run's own model stays.",
        "--resume continues an interrupted finetune."})
final class FinetuneCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--resume", paramLabel = "RUN_ID",
      description = "Continue the finetune of run RUN_ID from its last complete checkpoint.")
  String resume;

  @Option(names = "--force", description = {"With --resume: continue although the config differs from the checkpoint's,",
      "or start over when checkpoints exist but none reads back complete."})
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
    RunLayout run = common.existingLayout(config);
    new Preflight().trained(run);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      Trainer.finetune(config, sc, run, PrepareJob.readStats(run, sc.hadoopConfiguration()), resume != null, force);
      // the train's report, when the run has one (a pipeline run does; a bare train does not)
      RunReport before = HadoopFs.exists(run.report(), sc.hadoopConfiguration())
          ? Json.read(run.report(), RunReport.class, sc.hadoopConfiguration()) : null;
      RunReport after = Pipeline.evaluateAndReport(config, run.finetune(), sc);
      if (before != null) {
        System.out.printf("run %s before the finetune: valid perplexity %.2f, test perplexity %.2f%n", run.runId(),
            before.validPpl(), before.testPpl());
      }
      System.out.printf("finetuned run %s: best epoch %d of %d, ", run.runId(), after.bestEpoch(), after.epochs().size());
      PipelineCommand.printSummary(after, run.finetune());
    }
    return AwdlmCommand.OK;
  }
}
