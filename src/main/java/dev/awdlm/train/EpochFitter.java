package dev.awdlm.train;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fits one epoch: one dl4j-spark call per averaging round, driven from here. These are the Spark
 * jobs dl4j-spark would run inside one call, but the driver can account for each round from the
 * workers' reports, log progress and keep NT-ASGD's average of the iterates.
 */
final class EpochFitter {
  private static final Logger LOG = LoggerFactory.getLogger(EpochFitter.class);

  private final JavaSparkContext sc;
  private final SparkDl4jMultiLayer sparkNet;
  private final TrainingRounds rounds;
  private final List<String> files;
  private final int workers;
  private final ModelConfig m;
  private final TrainConfig t;

  EpochFitter(JavaSparkContext sc, SparkDl4jMultiLayer sparkNet, TrainingRounds rounds, List<String> files, int workers,
      ModelConfig m, TrainConfig t) {
    this.sc = sc;
    this.sparkNet = sparkNet;
    this.rounds = rounds;
    this.files = files;
    this.workers = workers;
    this.m = m;
    this.t = t;
  }

  /** @param divergence why the epoch stopped early (loss or weights not finite); null when it finished */
  record Outcome(List<RoundMetrics> rounds, String divergence) {}

  int roundsPerEpoch() {
    int perRound = workers * t.averagingFrequency();
    return (files.size() + perRound - 1) / perRound;
  }

  Outcome fit(int epoch, double lr, NtAsgd asgd) {
    List<String> order = Trainer.shuffled(files, t.seed() + epoch);
    int perRound = workers * t.averagingFrequency();
    int count = roundsPerEpoch();
    List<RoundMetrics> done = new ArrayList<>();
    DataSetLoader loader = rounds.epoch(m, t, epoch, lr);
    long epochStart = System.nanoTime();
    for (int round = 1; round <= count; round++) {
      List<String> batch = order.subList((round - 1) * perRound, Math.min(order.size(), round * perRound));
      sc.setJobDescription("train epoch " + epoch + "/" + t.epochs() + " round " + round + "/" + count);
      long start = System.nanoTime();
      RoundCollector.Tally tally = rounds.fit(sparkNet, TrainingMasters.round(sc, batch, workers, t.averagingFrequency()), loader);
      if (tally.tokens() == 0) throw new IllegalStateException("no worker reported what it trained in epoch " + epoch + " round " + round);
      RoundMetrics r = new RoundMetrics(epoch, round, tally.tokens(), tally.meanNll(), tally.workers(),
          (System.nanoTime() - start) / 1e9, lr);
      String divergence = divergence(r);
      if (divergence != null) return new Outcome(done, divergence);
      done.add(r);
      // Under gradient sharing a worker is an executor JVM's trainer: as many as Spark spread the tasks over.
      if (t.sync() == TrainConfig.Sync.AVERAGING) checkWorkers(r, Math.min(workers, batch.size()));
      asgd.add(sparkNet.getNetwork().params());
      double elapsed = (System.nanoTime() - epochStart) / 1e9;
      long tokens = done.stream().mapToLong(RoundMetrics::tokens).sum();
      LOG.info(String.format("train: epoch %d/%d round %d/%d nll %s, %d worker(s) | %.0f tokens/s | epoch ETA %.0f s",
          epoch, t.epochs(), round, count, r.nll() == null ? "not observed" : String.format("%.3f", r.nll()), r.workers(),
          tokens / elapsed, elapsed / round * (count - round)));
    }
    return new Outcome(done, null);
  }

  private String divergence(RoundMetrics r) {
    if ((r.nll() != null && !Double.isFinite(r.nll())) || !Double.isFinite(sparkNet.getScore())) {
      return "the training loss is not finite in round " + r.round() + " (NLL per token " + r.nll() + ", DL4J score "
          + sparkNet.getScore() + ")";
    }
    if (!Double.isFinite(sparkNet.getNetwork().params().sumNumber().doubleValue())) {
      return "the weights are not finite after round " + r.round();
    }
    return null;
  }

  /** A round of n DataSets trains min(workers, n) workers (see {@link TrainingMasters#round}). */
  private void checkWorkers(RoundMetrics r, int expected) {
    if (r.workers() != expected) {
      LOG.warn("train: epoch {} round {}: {} worker(s) trained, expected {} (train.workers = {}, {} worker(s) planned)",
          r.epoch(), r.round(), r.workers(), expected, t.workers(), workers);
    }
  }
}
