package dev.awdlm.retrain;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.RetrainConfig;
import dev.awdlm.eval.DistributedEvaluator;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.BuildInfo;
import dev.awdlm.report.RunReport;
import dev.awdlm.train.Checkpoints;
import dev.awdlm.train.Trainer;
import dev.awdlm.train.TrainingDivergedException;
import java.io.File;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One scheduled retrain: under the registry's lease, prepare the new snapshot (with the champion's
 * vocabulary), warm-start a challenger from the champion, evaluate both on the snapshot's held-out
 * split, and promote the challenger only if it is better by {@code retrain.minImprovement}.
 *
 * <p>Every step can be repeated: a finished run id is a no-op; a crashed one resumes from what it
 * left (prepared data, checkpoints, the model, the decision) or starts over with {@code restart}.
 * The registry changes in one order, decision, pointer, history line, {@code _DONE}, and each step
 * is idempotent, so a crash anywhere leaves it consistent and a rerun completes it.
 */
public final class Retrain {
  private static final Logger LOG = LoggerFactory.getLogger(Retrain.class);

  /**
   * @param data a snapshot directory holding train.txt, valid.txt and test.txt
   * @param restart discard what a crashed run with this id left and start it over
   * @param rebuildVocab count a new vocabulary (the challenger then trains from scratch)
   */
  public record Request(String registry, String data, String runId, boolean restart, boolean rebuildVocab) {}

  /** @param alreadyFinished the run id had finished before: nothing was done */
  public record Outcome(Decision decision, boolean alreadyFinished) {}

  private Retrain() {}

  /**
   * @param overrides the configuration file and these are read once; the run adds the snapshot,
   *     the registry's runs and, warm-started, {@code train.epochs = retrain.epochs}, as later overrides
   * @param spark started only after the lease is held and the champion checked, so a locked
   *     registry or a damaged champion costs no cluster allocation
   */
  public static Outcome run(File configFile, List<String> overrides, Request req, Configuration conf,
      Supplier<JavaSparkContext> spark, String owner) {
    ConfigLoader.Parsed given = ConfigLoader.parse(configFile, overrides);
    RetrainConfig settings = given.build().retrain(); // every value checked before the lease; no override adds retrain.*
    Registry registry = new Registry(HadoopFs.qualify(HadoopFs.location("--registry", req.registry()), conf), conf);
    RunLayout layout = registry.layout().run(req.runId());
    try (Lease lease = Lease.acquire(registry.layout().lease(), owner, settings.leaseTtlSeconds(), conf)) {
      Optional<Outcome> earlier = finishEarlierRun(registry, req, lease);
      if (earlier.isPresent()) return earlier.get();
      Optional<String> championId = registry.championId();
      Optional<SavedModel> champion = championId.map(registry::model); // a damaged champion stops us here, before any write
      clearLeftovers(req, layout, conf);
      boolean warm = champion.isPresent() && !req.rebuildVocab();
      AwdlmConfig config = runConfig(given, registry, req, warm ? settings.epochs() : 0, conf);
      for (String split : PrepareJob.SPLITS) HadoopFs.expandInputs("--data", config.data().paths(split), conf);

      JavaSparkContext sc = spark.get();
      PrepareStats prepared = HadoopFs.exists(layout.prepareStats(), conf)
          ? PrepareJob.readStats(layout, conf)
          : PrepareJob.run(config, sc, layout, warm ? champion.get().vocab() : null);
      LOG.info(String.format("retrain: snapshot %s: %d train tokens, OOV %.2f%% with the %s vocabulary", req.data(),
          prepared.splits().get("train").tokens(), 100 * prepared.splits().get("train").oovRate(), warm ? "champion's" : "new"));
      Optional<TrainingDivergedException> diverged = trainChallenger(config, sc, layout, prepared,
          warm ? champion.get().net().params() : null);
      RunReport report = diverged.isPresent() ? null : Pipeline.evaluateAndReport(config, layout, sc);

      Double championPpl = champion.map(c -> championPerplexity(c, warm, config, registry, req.runId(), prepared, sc)).orElse(null);
      double challengerPpl = report != null ? report.validPpl() : diverged.get().valPpl();
      Promotion p = Promotion.judge(championPpl, challengerPpl, diverged.isPresent(), config.retrain().minImprovement());
      Decision d = new Decision(req.runId(), Instant.now().toString(), p.verdict(), championId.orElse(null), challengerPpl,
          championPpl, p.improvement(), config.retrain().minImprovement(), warm ? "champion" : "rebuilt",
          prepared.splits().get("train").oovRate(), report == null ? Double.NaN : report.testPpl(),
          report == null ? null : layout.report().toString(), BuildInfo.gitCommit());
      lease.verify();
      HadoopFs.writeAtomically(registry.layout().decisionFile(req.runId()), conf, Json.pretty(d));
      return new Outcome(record(registry, d, lease), false);
    }
  }

  /** What a crashed attempt left that this one, holding the lease, must not build on. */
  private static void clearLeftovers(Request req, RunLayout layout, Configuration conf) {
    if (req.restart()) {
      LOG.info("retrain: --restart: discarding what run {} left in {}", req.runId(), layout.runDir());
      HadoopFs.deleteRecursively(layout.runDir(), conf);
    }
    if (HadoopFs.exists(layout.claim(), conf)) {
      // Only a retrain holding the lease prepares under the registry: this claim's owner was killed.
      LOG.info("retrain: removing the run id claim {} that a killed retrain left", layout.claim());
      HadoopFs.deleteRecursively(layout.claim(), conf);
    }
  }

  /**
   * The run's configuration: the one given, on the snapshot's three splits, writing under the
   * registry's runs, for {@code warmEpochs} epochs when warm-started (0: as given).
   */
  static AwdlmConfig runConfig(ConfigLoader.Parsed given, Registry registry, Request req, int warmEpochs, Configuration conf) {
    List<String> run = new ArrayList<>();
    // Qualified, so the config (and its hash, which a resume checks) is the same however --data was written.
    Path snapshot = HadoopFs.qualify(HadoopFs.location("--data", req.data()), conf);
    for (String split : PrepareJob.SPLITS) run.add("data." + split + "=" + new Path(snapshot, split + ".txt"));
    run.add("output.dir=" + registry.layout().runs());
    if (warmEpochs > 0) run.add("train.epochs=" + warmEpochs);
    return given.with(run).build();
  }

  /**
   * Reads every registry file this run depends on or rewrites first, so that a damaged one stops it
   * here (exit code 2, nothing written) rather than after training or after the pointer moved. Then
   * a run id that finished is a no-op, and one that was decided but not recorded is completed.
   */
  private static Optional<Outcome> finishEarlierRun(Registry registry, Request req, Lease lease) {
    registry.history();
    Optional<Decision> decided = registry.decided(req.runId());
    if (decided.isEmpty()) return Optional.empty();
    Decision d = decided.get();
    if (HadoopFs.exists(registry.layout().done(req.runId()), registry.conf())) {
      LOG.info("retrain: run {} already finished ({}); nothing to do", req.runId(), d.decision());
      return Optional.of(new Outcome(d, true));
    }
    // Crashed after deciding: complete the registry update the decision calls for. Never start
    // such a run over: its model may already be the champion.
    LOG.info("retrain: run {} was decided ({}) but not recorded; completing it{}", req.runId(), d.decision(),
        req.restart() ? " (--restart does not apply to a decided run)" : "");
    return Optional.of(new Outcome(record(registry, d, lease), false));
  }

  /** Trains the challenger unless its model exists; the divergence, when the divergence guard gave up. */
  private static Optional<TrainingDivergedException> trainChallenger(AwdlmConfig config, JavaSparkContext sc, RunLayout layout,
      PrepareStats prepared, INDArray warmStart) {
    Configuration conf = sc.hadoopConfiguration();
    if (HadoopFs.exists(layout.model(), conf)) return Optional.empty();
    try {
      Trainer.train(config, sc, layout, prepared, new Trainer.Start(Checkpoints.any(layout, conf), false, warmStart));
      return Optional.empty();
    } catch (TrainingDivergedException e) {
      LOG.warn("retrain: run {}: {}; the challenger is rejected", layout.runId(), e.getMessage());
      return Optional.of(e);
    }
  }

  /**
   * A promotion decided against one champion and completed (after a crash) when another has been
   * promoted since: it beat a model that is no longer the champion, so it must not replace the
   * current one. Recorded as superseded instead.
   */
  private static Decision overtaken(Registry registry, Decision d) {
    Optional<String> now = registry.championId();
    if (!d.promoted() || now.isEmpty() || now.get().equals(d.runId()) || now.get().equals(d.championBefore())) return d;
    LOG.warn("retrain: {} was decided against champion {}, but {} has been promoted since; recording it as superseded",
        d.runId(), d.championBefore(), now.get());
    Decision superseded = d.superseded();
    HadoopFs.writeAtomically(registry.layout().decisionFile(d.runId()), registry.conf(), Json.pretty(superseded));
    return superseded;
  }

  /** The champion on the challenger's held-out split: the same files, or the same text in its own vocabulary. */
  private static double championPerplexity(SavedModel champion, boolean sameVocabulary, AwdlmConfig config, Registry registry,
      String runId, PrepareStats prepared, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    List<Path> files;
    int streams;
    if (sameVocabulary) {
      files = HadoopFs.listFiles(registry.layout().run(runId).batches("valid"), StreamExporter.SUFFIX, conf);
      streams = prepared.splits().get("valid").streams();
    } else {
      Path dir = registry.layout().championValid(runId);
      HadoopFs.deleteRecursively(dir, conf);
      streams = config.train().evalBatchSize();
      PrepareJob.exportEval(champion.config(), champion.vocab(), "--data", config.data().valid(), streams, dir, sc);
      files = HadoopFs.listFiles(dir, StreamExporter.SUFFIX, conf);
    }
    sc.setJobDescription("retrain: evaluate the champion");
    double ppl = DistributedEvaluator.evaluate(sc, champion.net(), files, streams, config.train().bptt(), sc.defaultParallelism())
        .total().perplexity();
    sc.setJobDescription(null);
    return ppl;
  }

  /**
   * Pointer (when promoted), history line, {@code _DONE}: each step idempotent, in this order. The
   * history is checked before the pointer moves, so after it only a write can fail, and a rerun
   * (through the decided path) redoes whatever is missing.
   */
  private static Decision record(Registry registry, Decision decided, Lease lease) {
    registry.history();
    lease.verify();
    Decision d = overtaken(registry, decided);
    if (d.promoted()) {
      registry.promote(d.runId());
      LOG.info("retrain: promoted {} (validation perplexity {}{})", d.runId(), String.format("%.2f", d.challengerValPpl()),
          d.championValPpl() == null ? ", first champion" : String.format(" against %.2f", d.championValPpl()));
    } else if (d.championValPpl() == null) {
      LOG.info("retrain: {} not promoted: its training diverged, and there is no champion yet", d.runId());
    } else {
      LOG.info("retrain: {} not promoted: validation perplexity {} against the champion's {} (needs {}% better)", d.runId(),
          String.format("%.2f", d.challengerValPpl()), String.format("%.2f", d.championValPpl()), 100 * d.minImprovement());
    }
    registry.appendHistory(d);
    HadoopFs.writeAtomically(registry.layout().done(d.runId()), registry.conf(), "");
    return d;
  }
}
