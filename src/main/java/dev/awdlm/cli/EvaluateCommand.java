package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.RunReport;
import dev.awdlm.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Compute valid and test perplexity of a trained run and write its report.",
        "Needs --run-id of a trained run; hidden state carries across each split; writes <run>/report/."})
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    RunLayout layout = common.existingLayout(config);
    new Preflight().trained(layout);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      RunReport report = Pipeline.evaluateAndReport(config, layout, SparkSessions.context(spark));
      PipelineCommand.printSummary(report, layout);
    }
    return AwdlmCommand.OK;
  }
}
