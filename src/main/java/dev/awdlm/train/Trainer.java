package dev.awdlm.train;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.eval.Perplexity;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.eval.DistributedEvaluator;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.model.LanguageModels;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains a prepared run and saves {@code model/model.zip} and {@code train.json}. */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private Trainer() {}

  private static final String TIME_SOURCE = "org.deeplearning4j.spark.time.TimeSource";

  /** Rollbacks the divergence guard may make in one run before it gives up. */
  static final int MAX_ROLLBACKS = 3;

  /**
   * How {@code train} starts: fresh, or from the run's last complete checkpoint.
   *
   * @param warmStart parameters to start from instead of a random initialisation (a champion's,
   *     for retraining); null for random. A checkpoint, when resuming, takes precedence.
   */
  public record Start(boolean resume, boolean force, INDArray warmStart) {
    public static final Start FRESH = new Start(false, false, null);

    public Start(boolean resume, boolean force) {
      this(resume, force, null);
    }
  }

  public static TrainResult train(AwdlmConfig config, JavaSparkContext sc, RunLayout layout, PrepareStats prepared) {
    return train(config, sc, layout, prepared, Start.FRESH);
  }

  public static TrainResult train(AwdlmConfig config, JavaSparkContext sc, RunLayout layout, PrepareStats prepared, Start start) {
    Configuration conf = sc.hadoopConfiguration();
    if (HadoopFs.exists(layout.model(), conf)) {
      throw new ConfigError("--run-id", layout.runId(), "is already trained (" + layout.model() + " exists)");
    }
    List<String> trainFiles = HadoopFs.listFiles(layout.batches("train"), StreamExporter.SUFFIX, conf)
        .stream().map(Path::toString).toList();
    List<Path> validFiles = HadoopFs.listFiles(layout.batches("valid"), StreamExporter.SUFFIX, conf);
    var t = config.train();
    int workers = TrainingMasters.workers(t, sc);

    Progress p = begin(config, layout, prepared, start, conf);
    LOG.info("train: {} parameters, {} train DataSets, {} workers, averaging every {} DataSets{}",
        p.net.numParams(), trainFiles.size(), workers, t.averagingFrequency(),
        p.epochsDone > 0 ? ", resuming after epoch " + p.epochsDone : "");
    if (sc.getConf().contains("spark.task.resource.gpu.amount")) {
      for (String line : dev.awdlm.spark.GpuBinding.survey(sc)) LOG.info("train: gpu: {}", line);
    }
    RoundCollector collector = new RoundCollector();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, p.net, TrainingMasters.build(t, workers, collector));
    collectStats(sparkNet, t.collectStats());
    EpochFitter fitter = new EpochFitter(sc, sparkNet, collector, trainFiles, workers, t);
    Validation validation = new Validation(sc, validFiles, prepared.splits().get("valid").streams(), t.bptt());
    Restart restart = new Restart(p.net);

    long runStart = System.nanoTime();
    int epoch = p.epochsDone + 1;
    while (epoch <= t.epochs()) {
      double lr = t.learningRate(epoch, workers) * p.lrScale;
      sparkNet.getNetwork().setLearningRate(lr);
      long epochStart = System.nanoTime();
      EpochFitter.Outcome fit = fitter.fit(epoch, lr, p.asgd);
      if (fit.divergence() != null) {
        epoch = rollback(p, sparkNet.getNetwork(), layout, conf, restart, epoch, fit.divergence(), Double.NaN);
        continue;
      }
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      sc.setJobDescription("validate epoch " + epoch + "/" + t.epochs());
      Perplexity val = validation.run(evaluated(sparkNet.getNetwork(), p.asgd));
      if (exploded(val.perplexity(), prepared.vocabSize())) {
        String why = String.format("validation perplexity %.4g is %s", val.perplexity(), Double.isFinite(val.perplexity())
            ? "above the vocabulary size " + prepared.vocabSize() + ", the perplexity of a uniform guess" : "not finite");
        epoch = rollback(p, sparkNet.getNetwork(), layout, conf, restart, epoch, why, val.perplexity());
        continue;
      }
      EpochMetrics m = EpochMetrics.of(epoch, lr, fit.rounds(), val.perplexity(), seconds, p.asgd.average() != null, p.rollbacks);
      finishEpoch(config, layout, conf, sc, sparkNet.getNetwork(), p, m);
      double elapsed = (System.nanoTime() - runStart) / 1e9;
      int ran = epoch - p.firstEpochThisRun + 1;
      LOG.info(String.format("train: epoch %d/%d lr %.4g nll %.3f (ppl %.2f) val ppl %.2f%s | %.0f tokens/s | %.0f s, ETA %.0f s",
          epoch, t.epochs(), lr, m.trainNll(), m.trainPpl(), m.valPpl(), m.asgd() ? " (averaged)" : "", m.tokensPerS(), seconds,
          elapsed / ran * (t.epochs() - epoch)));
      epoch++;
    }
    sc.setJobDescription(null);
    if (t.collectStats()) writeStats(sparkNet, layout, conf);
    return save(config, layout, conf, evaluated(sparkNet.getNetwork(), p.asgd), p, workers, prepared);
  }

  private static void collectStats(SparkDl4jMultiLayer sparkNet, boolean collect) {
    if (collect) {
      // dl4j-spark timestamps its statistics with an NTP clock by default, which queries a public
      // time server; clusters without Internet access (and this one's tests) use the local clock.
      System.setProperty(TIME_SOURCE, System.getProperty(TIME_SOURCE, "org.deeplearning4j.spark.time.SystemClockTimeSource"));
    }
    sparkNet.setCollectTrainingStats(collect);
  }

  /**
   * Saves the model, the averaged iterate once NT-ASGD has triggered (as in awd-lstm-lm), and
   * {@code train.json}.
   */
  private static TrainResult save(AwdlmConfig config, RunLayout layout, Configuration conf, MultiLayerNetwork trained, Progress p,
      int workers, PrepareStats prepared) {
    Vocabulary vocab = Vocabulary.parseTsv(HadoopFs.readUtf8(layout.vocab(), conf), layout.vocab().toString());
    SavedModel.write(layout.modelDir(), trained, vocab, config, layout.runId(), conf);
    int observed = p.epochs.stream().mapToInt(EpochMetrics::workers).max().orElse(0);
    if (observed != workers) {
      LOG.warn("train: at most {} worker(s) trained in a round, {} planned (train.workers = {})", observed, workers,
          config.train().workers());
    }
    TrainResult result = new TrainResult(observed, workers, prepared.splits().get("train").predictedTokens(), trained.numParams(),
        p.trainSeconds, p.rollbacks, p.asgd.triggerEpoch(), p.epochs);
    HadoopFs.writeAtomically(layout.trainMetrics(), conf, Json.pretty(result));
    return result;
  }

  /** Records a validated epoch: NT-ASGD's trigger, the checkpoint, and the best model so far. */
  private static void finishEpoch(AwdlmConfig config, RunLayout layout, Configuration conf, JavaSparkContext sc,
      MultiLayerNetwork net, Progress p, EpochMetrics m) {
    var t = config.train();
    p.epochs.add(m);
    // awd-lstm-lm switches SGD to averaged SGD when validation stops improving
    if (t.optimizer() == dev.awdlm.config.TrainConfig.Optimizer.SGD && !p.asgd.active()
        && NtAsgd.shouldTrigger(p.valHistory, m.valPpl(), t.nonmono())) {
      p.asgd.trigger(m.epoch());
      LOG.info("train: validation perplexity stopped improving; NT-ASGD averages the iterates from now on");
    }
    p.valHistory.add(m.valPpl());
    p.trainSeconds += m.seconds();
    sc.setJobDescription("checkpoint epoch " + m.epoch() + "/" + t.epochs());
    Checkpoints.write(layout, p.state(m.epoch(), config.hash()), net, p.asgd.average(), conf);
    if (m.valPpl() < p.bestValPpl) {
      p.bestValPpl = m.valPpl();
      p.bestEpoch = m.epoch();
      Checkpoints.writeBest(layout, p.state(m.epoch(), config.hash()), evaluated(net, p.asgd), conf);
    }
  }

  private static void writeStats(SparkDl4jMultiLayer sparkNet, RunLayout layout, Configuration conf) {
    Path stats = new Path(layout.runDir(), "spark-stats.html");
    HadoopFs.writeAtomically(stats, conf, out -> {
      try {
        StatsUtils.exportStatsAsHTML(sparkNet.getSparkTrainingStats(), out);
      } catch (java.io.IOException e) {
        throw e;
      } catch (Exception e) {
        throw new java.io.IOException("cannot render the training statistics", e);
      }
    });
    LOG.info("train: dl4j-spark training statistics -> {}", stats);
  }

  /** Where the divergence guard returns to before the first checkpoint exists: the initial weights and updater state. */
  private record Restart(INDArray params, INDArray updater) {
    Restart(MultiLayerNetwork net) {
      this(net.params().dup(), net.getUpdater().getStateViewArray() == null ? null : net.getUpdater().getStateViewArray().dup());
    }
  }

  /** Mutable training progress: what a checkpoint saves and a resume restores. */
  private static final class Progress {
    MultiLayerNetwork net;
    NtAsgd asgd = new NtAsgd();
    int epochsDone;
    int firstEpochThisRun;
    double lrScale = 1;
    int rollbacks;
    double bestValPpl = Double.POSITIVE_INFINITY;
    int bestEpoch;
    double trainSeconds;
    List<Double> valHistory = new ArrayList<>();
    List<EpochMetrics> epochs = new ArrayList<>();

    Checkpoints.State state(int epoch, String hash) {
      return new Checkpoints.State(epoch, hash, lrScale, rollbacks, asgd.triggerEpoch(), asgd.count(),
          List.copyOf(valHistory), bestValPpl, bestEpoch, trainSeconds, List.copyOf(epochs));
    }

    void restore(Checkpoints.Loaded c) {
      Checkpoints.State s = c.state();
      epochsDone = s.epoch();
      lrScale = s.lrScale();
      rollbacks = s.rollbacks();
      bestValPpl = s.bestValPpl();
      bestEpoch = s.bestEpoch();
      trainSeconds = s.trainSeconds();
      valHistory = new ArrayList<>(s.valHistory());
      epochs = new ArrayList<>(s.epochs());
      asgd = NtAsgd.restore(c.asgdAverage(), s.asgdCount(), s.asgdTriggerEpoch());
    }
  }

  private static Progress begin(AwdlmConfig config, RunLayout layout, PrepareStats prepared, Start start, Configuration conf) {
    Progress p = new Progress();
    if (!start.resume()) {
      if (Checkpoints.any(layout, conf)) {
        throw new ConfigError("--run-id", layout.runId(), "has checkpoints from an earlier train in "
            + layout.checkpoints() + "; continue it with --resume " + layout.runId());
      }
      p.net = initial(config, prepared, start);
      p.firstEpochThisRun = 1;
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
      p.net = initial(config, prepared, start);
      p.firstEpochThisRun = 1;
      return p;
    }
    Checkpoints.Loaded c = loaded.get();
    if (!c.state().configHash().equals(config.hash()) && !start.force()) {
      throw new ConfigError("--resume", layout.runId(), "checkpoint " + c.dir() + " was written with config "
          + c.state().configHash().substring(0, 12) + ", this config is " + config.hash().substring(0, 12)
          + "; resume with the same config, or pass --force to continue under the new one");
    }
    p.restore(c);
    p.net = c.net();
    p.firstEpochThisRun = p.epochsDone + 1;
    LOG.info("train: resuming from {} (epoch {} done, validation perplexity {})", c.dir(), p.epochsDone,
        p.valHistory.isEmpty() ? "-" : String.format("%.2f", p.valHistory.get(p.valHistory.size() - 1)));
    return p;
  }

  /** A new network for the config, with the warm-start parameters when there are some. */
  private static MultiLayerNetwork initial(AwdlmConfig config, PrepareStats prepared, Start start) {
    MultiLayerNetwork net = LanguageModels.of(config.model(), config.train(), prepared.vocabSize());
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

  /**
   * The divergence guard: back to the last checkpoint (or the initial weights), learning rate
   * halved, the epoch tried again. Returns the epoch to run next.
   */
  private static int rollback(Progress p, MultiLayerNetwork net, RunLayout layout, Configuration conf, Restart restart,
      int epoch, String divergence, double valPpl) {
    if (p.rollbacks >= MAX_ROLLBACKS) {
      throw new TrainingDivergedException("training diverged in epoch " + epoch + " (" + divergence + ") after "
          + p.rollbacks + " rollbacks that each halved the learning rate; lower train.lr or raise train.clip", epoch, valPpl);
    }
    double lrScale = p.lrScale / 2;
    int rollbacks = p.rollbacks + 1;
    var loaded = Checkpoints.latest(layout, conf);
    if (loaded.isPresent()) {
      p.restore(loaded.get());
      net.setParams(loaded.get().net().params());
      if (net.getUpdater().getStateViewArray() != null) {
        net.getUpdater().getStateViewArray().assign(loaded.get().net().getUpdater().getStateViewArray());
      }
    } else {
      net.setParams(restart.params());
      if (restart.updater() != null) net.getUpdater().getStateViewArray().assign(restart.updater());
      p.asgd = new NtAsgd();
    }
    p.lrScale = lrScale;
    p.rollbacks = rollbacks;
    LOG.warn("train: epoch {}: {}; rolled back to epoch {} with the learning rate halved (rollback {}/{})",
        epoch, divergence, p.epochsDone, rollbacks, MAX_ROLLBACKS);
    return p.epochsDone + 1;
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

  /** The network with the parameters that are evaluated and saved: NT-ASGD's average once it has one. */
  private static MultiLayerNetwork evaluated(MultiLayerNetwork net, NtAsgd asgd) {
    if (asgd.average() == null) return net;
    MultiLayerNetwork copy = net.clone();
    copy.setParams(asgd.average());
    return copy;
  }

  /** Stateful validation perplexity, computed on the executors. */
  private record Validation(JavaSparkContext sc, List<Path> files, int streams, int window) {
    Perplexity run(MultiLayerNetwork net) {
      return DistributedEvaluator.evaluate(sc, net, files, streams, window, sc.defaultParallelism()).total();
    }
  }

  /** A seeded shuffle: each epoch visits the shards in a different, reproducible order. */
  static List<String> shuffled(List<String> files, long seed) {
    List<String> copy = new ArrayList<>(files);
    java.util.Collections.shuffle(copy, new java.util.Random(seed));
    return copy;
  }

  /** Reads a trained run's {@code train.json}. */
  public static TrainResult readResult(RunLayout layout, Configuration conf) {
    Path p = layout.trainMetrics();
    if (!HadoopFs.exists(p, conf)) {
      throw new ConfigError("--run-id", layout.runId(), "is not trained (" + p + " is missing); run train first");
    }
    return Json.read(p, TrainResult.class, conf);
  }
}
