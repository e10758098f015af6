package dev.awdlm.cli;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {"Tokenize the corpora, build the vocabulary and export BPTT batches.",
        "Reads data.train/valid/test; writes <output.dir>/<run-id>/ (vocab.tsv, batches/, prepare.json)."})
final class PrepareCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    RunLayout layout = common.layout(config);
    new Preflight().newRun(config, layout);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      PrepareStats stats = PrepareJob.run(config, SparkSessions.context(spark), layout);
      System.out.printf("prepared run %s: vocabulary %d, train %d tokens -> %s%n", layout.runId(), stats.vocabSize(),
          stats.splits().get("train").tokens(), layout.runDir());
    }
    return AwdlmCommand.OK;
  }
}
