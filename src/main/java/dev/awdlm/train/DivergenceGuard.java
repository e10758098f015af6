package dev.awdlm.train;

import dev.awdlm.config.TrainConfig;
import dev.awdlm.io.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The divergence guard: an epoch whose loss or weights stop being finite, or whose validation
 * perplexity explodes, goes back to the last checkpoint (or the initial weights) and is tried again
 * with the learning rate halved, at most {@value #MAX_ROLLBACKS} times in a run.
 */
final class DivergenceGuard {
  private static final Logger LOG = LoggerFactory.getLogger(DivergenceGuard.class);

  /** Rollbacks the divergence guard may make in one run before it gives up. */
  static final int MAX_ROLLBACKS = 3;

  private final RunLayout layout;
  private final Configuration conf;
  private final int vocabSize;
  private final TrainConfig.Sync sync;
  /** Where a rollback returns to before the first checkpoint exists: the initial weights and updater state. */
  private final INDArray initialParams;
  private final INDArray initialUpdater;

  /** @param initial the network as the run starts, before this train fits it */
  DivergenceGuard(RunLayout layout, Configuration conf, MultiLayerNetwork initial, int vocabSize, TrainConfig.Sync sync) {
    this.layout = layout;
    this.conf = conf;
    this.vocabSize = vocabSize;
    this.sync = sync;
    this.initialParams = initial.params().dup();
    INDArray updater = initial.getUpdater().getStateViewArray();
    this.initialUpdater = updater == null ? null : updater.dup();
  }

  /**
   * Whether a validation perplexity means the model diverged: not finite, or worse than a uniform
   * guess over the vocabulary, whose perplexity is exactly its size. A fresh model starts near that
   * figure and training only lowers it, so a trained epoch above it has lost what it learned (clipped
   * SGD at lr 1e4 on the tiny corpus: finite loss, validation perplexity 5.6e33).
   */
  static boolean exploded(double valPpl, int vocabSize) {
    return !Double.isFinite(valPpl) || valPpl > vocabSize;
  }

  /** Why {@code valPpl} means the model diverged, or null when it does not. */
  String explosion(double valPpl) {
    if (!exploded(valPpl, vocabSize)) return null;
    return String.format("validation perplexity %.4g is %s", valPpl, Double.isFinite(valPpl)
        ? "above the vocabulary size " + vocabSize + ", the perplexity of a uniform guess" : "not finite");
  }

  /**
   * Rolls {@code net} and {@code p} back to the last checkpoint that reads back (or the initial
   * weights), with the learning rate halved. Returns the epoch to run next.
   *
   * @param valPpl the diverged attempt's validation perplexity, NaN when it did not get that far
   * @throws TrainingDivergedException once {@value #MAX_ROLLBACKS} rollbacks diverged again, and
   *     at once under gradient sharing
   */
  int rollback(Progress p, MultiLayerNetwork net, int epoch, String divergence, double valPpl) {
    if (sync == TrainConfig.Sync.SHARING) {
      // the executors keep their own networks for the run: restored weights and a halved rate would stay on the driver
      throw new TrainingDivergedException("training diverged in epoch " + epoch + " (" + divergence + "); under train.sync = "
          + "sharing a rollback cannot reach the executors' networks: lower train.lr or raise train.clip", epoch, valPpl);
    }
    if (p.rollbacks >= MAX_ROLLBACKS) {
      throw new TrainingDivergedException("training diverged in epoch " + epoch + " (" + divergence + ") after "
          + p.rollbacks + " rollbacks that each halved the learning rate; lower train.lr or raise train.clip", epoch, valPpl);
    }
    var loaded = Checkpoints.latest(layout, conf);
    if (loaded.isPresent()) {
      p.rollBackTo(loaded.get());
      restore(net, loaded.get().net().params(), loaded.get().net().getUpdater().getStateViewArray());
    } else {
      restore(net, initialParams, initialUpdater);
      p.asgd = new NtAsgd();
    }
    p.schedule.halve();
    p.rollbacks++;
    LOG.warn("train: epoch {}: {}; rolled back to epoch {} with the learning rate halved (rollback {}/{})",
        epoch, divergence, p.epochsDone, p.rollbacks, MAX_ROLLBACKS);
    return p.epochsDone + 1;
  }

  private static void restore(MultiLayerNetwork net, INDArray params, INDArray updater) {
    net.setParams(params);
    INDArray state = net.getUpdater().getStateViewArray(); // none for plain SGD
    if (state != null && updater != null) state.assign(updater);
  }
}
