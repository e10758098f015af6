package dev.awdlm.train;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.RunLayout;
import dev.awdlm.model.LanguageModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's mutable training progress: what a checkpoint saves, a resume restores and a rollback
 * returns to. {@link #begin} decides where a train starts: fresh, warm, or from the last checkpoint.
 */
final class Progress {
  private static final Logger LOG = LoggerFactory.getLogger(Progress.class);

  /** The network the run starts from, before this train fits it. */
  MultiLayerNetwork net;
  final LearningRateSchedule schedule;
  NtAsgd asgd = new NtAsgd();
  int epochsDone;
  int firstEpochThisRun = 1;
  int rollbacks;
  double bestValPpl = Double.POSITIVE_INFINITY;
  int bestEpoch;
  double trainSeconds;
  List<Double> valHistory = new ArrayList<>();
  List<EpochMetrics> epochs = new ArrayList<>();

  Progress(LearningRateSchedule schedule) {
    this.schedule = schedule;
  }

  Checkpoints.State state(int epoch, String hash) {
    return new Checkpoints.State(epoch, hash, schedule.scale(), rollbacks, asgd.triggerEpoch(), asgd.count(),
        List.copyOf(valHistory), bestValPpl, bestEpoch, trainSeconds, List.copyOf(epochs));
  }

  /** Everything the checkpoint saved, for a resumed run. */
  void resume(Checkpoints.Loaded c) {
    rollBackTo(c);
    schedule.restoreScale(c.state().lrScale());
    rollbacks = c.state().rollbacks();
  }

  /**
   * The checkpoint's epochs, best model and NT-ASGD state, for the divergence guard; this run's
   * halvings and rollbacks are kept, since they are what the guard counts.
   */
  void rollBackTo(Checkpoints.Loaded c) {
    Checkpoints.State s = c.state();
    epochsDone = s.epoch();
    bestValPpl = s.bestValPpl();
    bestEpoch = s.bestEpoch();
    trainSeconds = s.trainSeconds();
    valHistory = new ArrayList<>(s.valHistory());
    epochs = new ArrayList<>(s.epochs());
    asgd = NtAsgd.restore(c.asgdAverage(), s.asgdCount(), s.asgdTriggerEpoch());
  }

  /** {@code net}, or a copy with NT-ASGD's average once it has one: the parameters that are validated and saved. */
  MultiLayerNetwork evaluated(MultiLayerNetwork net) {
    if (asgd.average() == null) return net;
    MultiLayerNetwork copy = net.clone();
    copy.setParams(asgd.average());
    return copy;
  }

  /**
   * Where a train starts: a new network (warm-started when {@code start} says so), or with
   * {@code --resume} the run's last checkpoint that reads back.
   *
   * @throws ConfigError for checkpoints without {@code --resume}, and, unless forced, for a resume
   *     whose checkpoints are all unreadable or were written under another config
   */
  static Progress begin(AwdlmConfig config, RunLayout layout, int vocabSize, Trainer.Start start, LearningRateSchedule schedule,
      Configuration conf) {
    Progress p = new Progress(schedule);
    if (!start.resume()) {
      if (Checkpoints.any(layout, conf)) {
        throw new ConfigError("--run-id", layout.runId(), "has checkpoints from an earlier train in "
            + layout.checkpoints() + "; continue it with --resume " + layout.runId());
      }
      p.net = initial(config, vocabSize, start);
      return p;
    }
    Checkpoints.recoverBest(layout, conf);
    var loaded = Checkpoints.latest(layout, conf);
    if (loaded.isEmpty()) {
      List<String> unreadable = Checkpoints.epochDirs(layout, conf).stream().map(Path::getName).toList();
      if (!unreadable.isEmpty() && !start.force()) {
        throw new ConfigError("--resume", layout.runId(), "none of its checkpoints " + unreadable + " in " + layout.checkpoints()
            + " reads back complete (each is corrupt or partial, see the warnings above); pass --force to start over from epoch 1");
      }
      // With no checkpoint at all the run stopped in its first epoch, and starting it again loses nothing.
      LOG.warn("train: --resume {}: {}; starting from epoch 1", layout.runId(),
          unreadable.isEmpty() ? "no checkpoint in " + layout.checkpoints() : "--force given and no checkpoint reads back");
      p.net = initial(config, vocabSize, start);
      return p;
    }
    Checkpoints.Loaded c = loaded.get();
    if (!c.state().configHash().equals(config.hash()) && !start.force()) {
      throw new ConfigError("--resume", layout.runId(), "checkpoint " + c.dir() + " was written with config "
          + c.state().configHash().substring(0, 12) + ", this config is " + config.hash().substring(0, 12)
          + "; resume with the same config, or pass --force to continue under the new one");
    }
    p.resume(c);
    p.net = c.net();
    p.firstEpochThisRun = p.epochsDone + 1;
    LOG.info("train: resuming from {} (epoch {} done, validation perplexity {})", c.dir(), p.epochsDone,
        p.valHistory.isEmpty() ? "-" : String.format("%.2f", p.valHistory.get(p.valHistory.size() - 1)));
    return p;
  }

  /** A new network for the config, with the warm-start parameters when there are some. */
  private static MultiLayerNetwork initial(AwdlmConfig config, int vocabSize, Trainer.Start start) {
    MultiLayerNetwork net = LanguageModels.of(config.model(), config.train(), vocabSize, LearningRateSchedule.initial(config.train()));
    if (start.warmStart() != null) {
      if (start.warmStart().length() != net.numParams()) {
        throw new ConfigError("model", config.model().toString(), "has " + net.numParams() + " parameters, the warm-start model "
            + start.warmStart().length() + ": the model config (or vocabulary) changed since the champion was trained");
      }
      net.setParams(start.warmStart());
      LOG.info("train: warm start from the given parameters");
    }
    return net;
  }
}
