package dev.awdlm.train;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.eval.DistributedEvaluator;
import dev.awdlm.eval.Perplexity;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.GpuBinding;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a prepared run and saves {@code model/model.zip} and {@code train.json}: the epoch loop
 * over {@link Progress} (where it starts), {@link LearningRateSchedule}, {@link EpochFitter},
 * validation, {@link DivergenceGuard}, NT-ASGD, {@link Checkpoints} and {@link TrainOutputs}.
 */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private Trainer() {}

  /**
   * How {@code train} starts: fresh, or from the run's last complete checkpoint.
   *
   * @param warmStart parameters to start from instead of a random initialisation (a champion's,
   *     for retraining); null for random. A checkpoint, when resuming, takes precedence.
   * @param finetune averaged SGD from the first round, stopping once validation has not improved
   *     for {@code train.nonmono} epochs ({@link #finetune})
   */
  public record Start(boolean resume, boolean force, INDArray warmStart, boolean finetune) {
    public static final Start FRESH = new Start(false, false, null);

    public Start(boolean resume, boolean force) {
      this(resume, force, null);
    }

    public Start(boolean resume, boolean force, INDArray warmStart) {
      this(resume, force, warmStart, false);
    }
  }

  /**
   * awd-lstm-lm's {@code finetune.py} on a trained run: from the run's saved (best-validation)
   * model, averaged SGD at {@code train.lr} from the first round, at most {@code finetune.epochs}
   * epochs, stopping once validation has not improved for {@code train.nonmono} epochs, keeping
   * the best epoch. Everything it writes is under {@link RunLayout#finetune()}; with
   * {@code resume} it continues from its own last checkpoint.
   */
  public static TrainResult finetune(AwdlmConfig config, JavaSparkContext sc, RunLayout run, PrepareStats prepared, boolean resume,
      boolean force) {
    Configuration conf = sc.hadoopConfiguration();
    if (!HadoopFs.exists(run.model(), conf)) {
      throw new ConfigError("--run-id", run.runId(), "is not trained (" + run.model() + " is missing); train it before a finetune");
    }
    INDArray trained = SavedModel.loadNetwork("--run-id", run.model(), conf).params();
    AwdlmConfig finetuning = new AwdlmConfig(config.data(), config.model(), config.train().forFinetune(config.finetune().epochs()),
        config.output(), config.retrain(), config.score(), config.eval(), config.finetune(), config.json(), config.hash());
    return train(finetuning, sc, run.finetune(), prepared, new Start(resume, force, trained, true));
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
    TrainConfig t = config.train();
    int workers = TrainingMasters.workers(t, sc);
    Progress p = Progress.begin(config, layout, prepared.vocabSize(), start, new LearningRateSchedule(t, workers), conf);
    LOG.info("train: {} parameters, {} train DataSets, {} workers, averaging every {} DataSets{}",
        p.net.numParams(), trainFiles.size(), workers, t.averagingFrequency(),
        p.epochsDone > 0 ? ", resuming after epoch " + p.epochsDone : "");
    if (sc.getConf().contains("spark.task.resource.gpu.amount")) {
      for (String line : GpuBinding.survey(sc)) LOG.info("train: gpu: {}", line);
    }
    RoundCollector collector = new RoundCollector();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, p.net, TrainingMasters.build(t, workers, collector));
    TrainOutputs.collectStats(sparkNet, t.collectStats());
    EpochFitter fitter = new EpochFitter(sc, sparkNet, collector, trainFiles, workers, config.model(), t);
    Validation validation = new Validation(sc, validFiles, prepared.splits().get("valid").streams(), t.bptt());
    DivergenceGuard guard = new DivergenceGuard(layout, conf, p.net, prepared.vocabSize());
    if (start.finetune()) p.asgd.trigger(1); // restored from the checkpoint when resuming: already active then

    long runStart = System.nanoTime();
    int epoch = p.epochsDone + 1;
    while (epoch <= t.epochs()) {
      MultiLayerNetwork net = sparkNet.getNetwork();
      double lr = p.schedule.rate(epoch);
      net.setLearningRate(lr);
      long epochStart = System.nanoTime();
      EpochFitter.Outcome fit = fitter.fit(epoch, lr, p.asgd);
      if (fit.divergence() != null) {
        epoch = guard.rollback(p, net, epoch, fit.divergence(), Double.NaN);
        continue;
      }
      double seconds = (System.nanoTime() - epochStart) / 1e9;
      sc.setJobDescription("validate epoch " + epoch + "/" + t.epochs());
      double valPpl = validation.run(p.evaluated(net)).perplexity();
      String explosion = guard.explosion(valPpl);
      if (explosion != null) {
        epoch = guard.rollback(p, net, epoch, explosion, valPpl);
        continue;
      }
      EpochMetrics m = EpochMetrics.of(epoch, lr, fit.rounds(), valPpl, seconds, p.asgd.average() != null, p.rollbacks);
      logEpoch(t, m, (System.nanoTime() - runStart) / 1e9 / (epoch - p.firstEpochThisRun + 1));
      if (finishEpoch(config, layout, conf, sc, net, p, m, start.finetune())) break;
      epoch++;
    }
    sc.setJobDescription(null);
    TrainOutputs outputs = new TrainOutputs(config, layout, conf);
    if (t.collectStats()) outputs.writeStats(sparkNet.getSparkTrainingStats());
    return outputs.save(p.evaluated(sparkNet.getNetwork()), p, workers, prepared.splits().get("train").predictedTokens());
  }

  /**
   * Records a validated epoch: NT-ASGD's trigger, the checkpoint, and the best model so far.
   *
   * @return whether a finetune stops here: finetune.py's rule is NT-ASGD's trigger, a validation
   *     figure worse than the best one from before the last {@code nonmono} epochs
   */
  private static boolean finishEpoch(AwdlmConfig config, RunLayout layout, Configuration conf, JavaSparkContext sc,
      MultiLayerNetwork net, Progress p, EpochMetrics m, boolean finetune) {
    TrainConfig t = config.train();
    boolean stalled = finetune && NtAsgd.shouldTrigger(p.valHistory, m.valPpl(), t.nonmono());
    if (stalled) LOG.info("finetune: validation has not improved for {} epochs; stopping after epoch {}", t.nonmono(), m.epoch());
    p.epochs.add(m);
    // awd-lstm-lm switches SGD to averaged SGD when validation stops improving
    if (t.optimizer() == TrainConfig.Optimizer.SGD && !p.asgd.active()
        && NtAsgd.shouldTrigger(p.valHistory, m.valPpl(), t.nonmono())) {
      p.asgd.trigger(m.epoch());
      LOG.info("train: validation perplexity stopped improving; NT-ASGD averages the iterates from now on");
    }
    p.valHistory.add(m.valPpl());
    p.trainSeconds += m.seconds();
    sc.setJobDescription("checkpoint epoch " + m.epoch() + "/" + t.epochs());
    // best/ first, then the epoch's checkpoint that counts it: a resume from that checkpoint knows its best
    if (m.valPpl() < p.bestValPpl) {
      p.bestValPpl = m.valPpl();
      p.bestEpoch = m.epoch();
      Checkpoints.writeBest(layout, p.state(m.epoch(), config.hash()), p.evaluated(net), conf);
    }
    Checkpoints.write(layout, p.state(m.epoch(), config.hash()), net, p.asgd.average(), conf);
    return stalled;
  }

  /** @param secondsPerEpoch wall time per epoch this train has run so far, for the ETA */
  private static void logEpoch(TrainConfig t, EpochMetrics m, double secondsPerEpoch) {
    LOG.info(String.format("train: epoch %d/%d lr %.4g nll %.3f (ppl %.2f) val ppl %.2f%s | %.0f tokens/s | %.0f s, ETA %.0f s",
        m.epoch(), t.epochs(), m.lr(), m.trainNll(), m.trainPpl(), m.valPpl(), m.asgd() ? " (averaged)" : "", m.tokensPerS(),
        m.seconds(), secondsPerEpoch * (t.epochs() - m.epoch())));
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
    Collections.shuffle(copy, new Random(seed));
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
