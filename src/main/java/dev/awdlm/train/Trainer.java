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
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
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
    int workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
    long tokensPerEpoch = prepared.splits().get("train").predictedTokens();
    long tokensPerFile = tokensPerEpoch / Math.max(1, trainFiles.size());

    Progress p = begin(config, layout, prepared, start, conf);
    MultiLayerNetwork net = p.net;
    LOG.info("train: {} parameters, {} train DataSets, {} workers, averaging every {} DataSets{}",
        net.numParams(), trainFiles.size(), workers, t.averagingFrequency(),
        p.epochsDone > 0 ? ", resuming after epoch " + p.epochsDone : "");
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(t.batchSize())
        .batchSizePerWorker(t.batchSize())
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(t.prefetch())
        .saveUpdater(true) // the M2 default is false: Adam's moments would restart every round
        .repartionData(switch (t.repartition()) {
          case "always" -> Repartition.Always;
          case "never" -> Repartition.Never;
          default -> Repartition.NumPartitionsWorkersDiffers;
        })
        .rngSeed(t.seed())
        .build();
    if (sc.getConf().contains("spark.task.resource.gpu.amount")) {
      for (String line : dev.awdlm.spark.GpuBinding.survey(sc)) LOG.info("train: gpu: {}", line);
    }
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
    if (t.collectStats()) {
      // dl4j-spark timestamps its statistics with an NTP clock by default, which queries a public
      // time server; clusters without Internet access (and this one's tests) use the local clock.
      System.setProperty(TIME_SOURCE, System.getProperty(TIME_SOURCE, "org.deeplearning4j.spark.time.SystemClockTimeSource"));
    }
    sparkNet.setCollectTrainingStats(t.collectStats());
    Validation validation = new Validation(sc, validFiles, prepared.splits().get("valid").streams(), t.bptt());
    // One fitPaths call per averaging round, driven from here: the same Spark jobs dl4j-spark would
    // run inside one call, but the driver can report progress after each round and keep NT-ASGD's
    // average of the iterates.
    int perRound = workers * t.averagingFrequency();
    int rounds = (trainFiles.size() + perRound - 1) / perRound;
    // Where the divergence guard returns to before the first checkpoint exists.
    INDArray initialParams = net.params().dup();
    INDArray initialUpdater = net.getUpdater().getStateViewArray() == null ? null : net.getUpdater().getStateViewArray().dup();

    long runStart = System.nanoTime();
    int epoch = p.epochsDone + 1;
    while (epoch <= t.epochs()) {
      double lr = t.learningRate(epoch, workers) * p.lrScale;
      sparkNet.getNetwork().setLearningRate(lr);
      List<String> order = shuffled(trainFiles, t.seed() + epoch);
      long epochStart = System.nanoTime();
      double lossSum = 0;
      boolean diverged = false;
      for (int round = 0; round < rounds && !diverged; round++) {
        List<String> batch = order.subList(round * perRound, Math.min(order.size(), (round + 1) * perRound));
        sc.setJobDescription("train epoch " + epoch + "/" + t.epochs() + " round " + (round + 1) + "/" + rounds);
        sparkNet.fitPaths(sc.parallelize(batch, Math.min(workers, batch.size())));
        // per-token training loss (NLL + AR + TAR + L2)
        double loss = sparkNet.getScore() / LanguageModels.scorePerToken(config.model(), t);
        if (!Double.isFinite(loss) || !Double.isFinite(sparkNet.getNetwork().params().sumNumber().doubleValue())) {
          diverged = true;
          break;
        }
        lossSum += loss;
        p.asgd.add(sparkNet.getNetwork().params());
        double elapsed = (System.nanoTime() - epochStart) / 1e9;
        long done = (long) (round + 1) * perRound * tokensPerFile;
        LOG.info(String.format("train: epoch %d/%d round %d/%d loss %.3f | %.0f tokens/s | epoch ETA %.0f s",
            epoch, t.epochs(), round + 1, rounds, loss, Math.min(done, tokensPerEpoch) / elapsed,
            elapsed / (round + 1) * (rounds - round - 1)));
      }
      if (diverged) {
        epoch = rollback(p, sparkNet.getNetwork(), layout, conf, initialParams, initialUpdater, epoch);
        continue;
      }
      double seconds = (System.nanoTime() - epochStart) / 1e9;

      sc.setJobDescription("validate epoch " + epoch + "/" + t.epochs());
      Perplexity val = validation.run(evaluated(sparkNet.getNetwork(), p.asgd));
      boolean averaged = p.asgd.average() != null;
      double trainLoss = lossSum / rounds;
      EpochMetrics m = new EpochMetrics(epoch, lr, trainLoss, Math.exp(trainLoss), val.perplexity(), seconds,
          tokensPerEpoch / seconds, averaged, p.rollbacks);
      p.epochs.add(m);
      // awd-lstm-lm switches SGD to averaged SGD when validation stops improving
      if (t.optimizer() == dev.awdlm.config.TrainConfig.Optimizer.SGD && !p.asgd.active()
          && NtAsgd.shouldTrigger(p.valHistory, val.perplexity(), t.nonmono())) {
        p.asgd.trigger(epoch);
        LOG.info("train: validation perplexity stopped improving; NT-ASGD averages the iterates from now on");
      }
      p.valHistory.add(val.perplexity());
      p.trainSeconds += seconds;
      Checkpoints.State state = p.state(epoch, config.hash());
      sc.setJobDescription("checkpoint epoch " + epoch + "/" + t.epochs());
      Checkpoints.write(layout, state, sparkNet.getNetwork(), p.asgd.average(), conf);
      if (val.perplexity() < p.bestValPpl) {
        p.bestValPpl = val.perplexity();
        p.bestEpoch = epoch;
        Checkpoints.writeBest(layout, p.state(epoch, config.hash()), evaluated(sparkNet.getNetwork(), p.asgd), conf);
      }
      double elapsed = (System.nanoTime() - runStart) / 1e9;
      int ran = epoch - p.firstEpochThisRun + 1;
      LOG.info(String.format("train: epoch %d/%d lr %.4g loss %.3f val ppl %.2f%s | %.0f tokens/s | %.0f s, ETA %.0f s",
          epoch, t.epochs(), lr, trainLoss, val.perplexity(), averaged ? " (averaged)" : "", m.tokensPerS(), seconds,
          elapsed / ran * (t.epochs() - epoch)));
      epoch++;
    }
    sc.setJobDescription(null);

    if (t.collectStats()) {
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
    // The model is the averaged iterate once NT-ASGD has triggered, as in awd-lstm-lm.
    MultiLayerNetwork trained = evaluated(sparkNet.getNetwork(), p.asgd);
    Vocabulary vocab = Vocabulary.parseTsv(HadoopFs.readUtf8(layout.vocab(), conf), layout.vocab().toString());
    SavedModel.write(layout.modelDir(), trained, vocab, config, layout.runId(), conf);
    TrainResult result = new TrainResult(workers, tokensPerEpoch, trained.numParams(),
        p.trainSeconds, p.rollbacks, p.asgd.triggerEpoch(), p.epochs);
    HadoopFs.writeAtomically(layout.trainMetrics(), conf, Json.pretty(result));
    return result;
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
  private static int rollback(Progress p, MultiLayerNetwork net, RunLayout layout, Configuration conf,
      INDArray initialParams, INDArray initialUpdater, int epoch) {
    if (p.rollbacks >= MAX_ROLLBACKS) {
      throw new IllegalStateException("training diverged (loss or weights not finite) in epoch " + epoch + " after "
          + p.rollbacks + " rollbacks that each halved the learning rate; lower train.lr or raise train.clip");
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
      net.setParams(initialParams);
      if (initialUpdater != null) net.getUpdater().getStateViewArray().assign(initialUpdater);
      p.asgd = new NtAsgd();
    }
    p.lrScale = lrScale;
    p.rollbacks = rollbacks;
    LOG.warn("train: epoch {}: loss is not finite; rolled back to epoch {} with the learning rate halved (rollback {}/{})",
        epoch, p.epochsDone, rollbacks, MAX_ROLLBACKS);
    return p.epochsDone + 1;
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
