package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.PeakRss;
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

  /** Often enough to see the peaks of a Spark job, rarely enough to cost nothing. */
  private static final long RSS_SAMPLE_MILLIS = 200;

  @Override
  public Integer call() {
    try (PeakRss rss = PeakRss.start(RSS_SAMPLE_MILLIS)) {
      AwdlmConfig config = common.load();
      RunLayout layout = common.layout(config);
      new Preflight().newRun(config, layout);
      try (SparkSession spark = SparkSessions.getOrCreate()) {
        RunReport report = Pipeline.run(config, layout, SparkSessions.context(spark));
        // The driver's process tree: in local mode the whole application, on a local-cluster its executors too.
        printSummary(report, layout, ", peak RSS " + rss.describe());
      }
    }
    return AwdlmCommand.OK;
  }

  static void printSummary(RunReport report, RunLayout layout) {
    printSummary(report, layout, "");
  }

  private static void printSummary(RunReport report, RunLayout layout, String extra) {
    System.out.printf("run %s: valid perplexity %.2f, test perplexity %.2f%s -> %s%n", layout.runId(),
        report.validPpl(), report.testPpl(), extra, layout.report());
    RunReport.Pointer p = report.pointer();
    if (p != null) {
      System.out.printf("with the cache pointer (window %d, theta %s, lambda %s%s): valid perplexity %.2f, test perplexity %.2f%n",
          p.window(), p.theta(), p.lambda(), p.tuned() ? ", tuned on valid" : "", p.validPpl(), p.testPpl());
    }
  }
}
