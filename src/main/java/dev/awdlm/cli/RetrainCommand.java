package dev.awdlm.cli;

import dev.awdlm.config.ConfigError;
import dev.awdlm.retrain.Decision;
import dev.awdlm.retrain.Lease;
import dev.awdlm.retrain.Retrain;
import dev.awdlm.spark.SparkSessions;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "retrain", mixinStandardHelpOptions = true,
    description = {"Scheduled retraining: warm-start a challenger from the registry's champion on a new corpus",
        "snapshot, evaluate both on the snapshot's held-out split, and promote the challenger only if its",
        "validation perplexity is better by retrain.minImprovement. The first run trains from scratch and promotes.",
        "Exit codes: 0 done (or already done), 2 bad input or a damaged registry file, 3 the registry is locked by another",
        "retrain, 1 failure."})
final class RetrainCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--registry", required = true, paramLabel = "URI", description = "The registry directory (any Hadoop filesystem).")
  String registry;

  @Option(names = "--data", required = true, paramLabel = "URI",
      description = "The corpus snapshot: a directory holding train.txt, valid.txt and test.txt.")
  String data;

  @Option(names = "--restart", description = "Discard what a crashed run with this id left and start it over.")
  boolean restart;

  @Option(names = "--rebuild-vocab", description = "Count a new vocabulary instead of the champion's (trains from scratch).")
  boolean rebuildVocab;

  @Override
  public Integer call() {
    // The scheduled date is the default run id, so a rerun of the same day's job is recognised.
    String runId = common.runId != null ? common.runId : LocalDate.now(ZoneOffset.UTC).toString();
    if (common.output != null) throw new ConfigError("--output", common.output, "does not apply: retrain writes its runs under --registry");
    AtomicReference<SparkSession> session = new AtomicReference<>();
    try {
      Retrain.Outcome outcome = Retrain.run(common.config, common.overrides,
          new Retrain.Request(registry, data, runId, restart, rebuildVocab), SparkSessions.hadoopConfiguration(),
          () -> {
            session.set(SparkSessions.getOrCreate());
            return SparkSessions.context(session.get());
          }, Lease.defaultOwner());
      Decision d = outcome.decision();
      if (outcome.alreadyFinished()) {
        System.out.printf("retrain %s already finished (%s); nothing to do%n", runId, d.decision());
      } else if ("superseded".equals(d.decision())) {
        System.out.printf("retrain %s: superseded: it beat champion %s, but another run has been promoted since%n", runId,
            d.championBefore());
      } else if (d.championValPpl() == null) {
        System.out.printf("retrain %s: %s, validation perplexity %.2f%n", runId,
            d.promoted() ? "first champion" : "rejected: training diverged (there is no champion yet)", d.challengerValPpl());
      } else {
        System.out.printf("retrain %s: %s: validation perplexity %.2f against the champion's %.2f (%+.2f%%, needs %.2f%%)%n", runId,
            d.decision(), d.challengerValPpl(), d.championValPpl(), 100 * d.improvement(), 100 * d.minImprovement());
      }
      return AwdlmCommand.OK;
    } finally {
      if (session.get() != null) session.get().close();
    }
  }
}
