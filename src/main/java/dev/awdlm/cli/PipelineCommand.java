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

@Command(name = "pipeline", mixinStandardHelpOptions = true,
    description = {"Run prepare, train, evaluate and report in one Spark application.",
        "The report lands in <output.dir>/<run-id>/report/report.json."})
final class PipelineCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    RunLayout layout = common.layout(config);
    new Preflight().newRun(config, layout);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      RunReport report = Pipeline.run(config, layout, SparkSessions.context(spark));
      printSummary(report, layout);
    }
    return AwdlmCommand.OK;
  }

  static void printSummary(RunReport report, RunLayout layout) {
    System.out.printf("run %s: valid perplexity %.2f, test perplexity %.2f -> %s%n", layout.runId(),
        report.validPpl(), report.testPpl(), layout.report());
    RunReport.Pointer p = report.pointer();
    if (p != null) {
      System.out.printf("with the cache pointer (window %d, theta %s, lambda %s%s): valid perplexity %.2f, test perplexity %.2f%n",
          p.window(), p.theta(), p.lambda(), p.tuned() ? ", tuned on valid" : "", p.validPpl(), p.testPpl());
    }
  }
}
