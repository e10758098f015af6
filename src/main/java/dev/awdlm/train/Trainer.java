package dev.awdlm.train;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.eval.Perplexity;
import dev.awdlm.eval.PerplexityEvaluator;
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
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains a prepared run and saves {@code model/model.zip} and {@code train.json}. */
public final class Trainer {
  private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

  private Trainer() {}

  public static TrainResult train(AwdlmConfig config, JavaSparkContext sc, RunLayout layout, PrepareStats prepared) {
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

    MultiLayerNetwork net = LanguageModels.awdLstm(config.model(), t, prepared.vocabSize());
    LOG.info("train: {} parameters, {} train DataSets, {} workers, averaging every {} DataSets",
        net.numParams(), trainFiles.size(), workers, t.averagingFrequency());
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(t.batchSize())
        .batchSizePerWorker(t.batchSize())
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(2)
        .saveUpdater(true) // the M2 default is false: Adam's moments would restart every round
        .rngSeed(t.seed())
        .build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
    PerplexityEvaluator evaluator = new PerplexityEvaluator(t.bptt());
    // One fitPaths call per averaging round, driven from here: the same Spark jobs dl4j-spark would
    // run inside one call, but the driver can report progress after each round.
    int perRound = workers * t.averagingFrequency();
    int rounds = (trainFiles.size() + perRound - 1) / perRound;

    List<EpochMetrics> epochs = new ArrayList<>();
    long runStart = System.nanoTime();
    for (int epoch = 1; epoch <= t.epochs(); epoch++) {
      double lr = t.learningRate(epoch);
      sparkNet.getNetwork().setLearningRate(lr);
      List<String> order = shuffled(trainFiles, t.seed() + epoch);
      long start = System.nanoTime();
      double lossSum = 0;
      for (int round = 0; round < rounds; round++) {
        List<String> batch = order.subList(round * perRound, Math.min(order.size(), (round + 1) * perRound));
        sc.setJobDescription("train epoch " + epoch + "/" + t.epochs() + " round " + (round + 1) + "/" + rounds);
        sparkNet.fitPaths(sc.parallelize(batch, Math.min(workers, batch.size())));
        // The AWD-LSTM layer's score is the per-token training loss (NLL + AR + TAR + L2).
        lossSum += sparkNet.getScore();
        double elapsed = (System.nanoTime() - start) / 1e9;
        long done = (long) (round + 1) * perRound * tokensPerFile;
        LOG.info(String.format("train: epoch %d/%d round %d/%d loss %.3f | %.0f tokens/s | epoch ETA %.0f s",
            epoch, t.epochs(), round + 1, rounds, sparkNet.getScore(), Math.min(done, tokensPerEpoch) / elapsed,
            elapsed / (round + 1) * (rounds - round - 1)));
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      sc.setJobDescription("validate epoch " + epoch + "/" + t.epochs());
      Perplexity val = evaluator.evaluate(sparkNet.getNetwork(), validFiles, conf);
      EpochMetrics m = new EpochMetrics(epoch, lr, lossSum / rounds, val.perplexity(), seconds, tokensPerEpoch / seconds);
      epochs.add(m);
      double elapsed = (System.nanoTime() - runStart) / 1e9;
      LOG.info(String.format("train: epoch %d/%d lr %.4g loss %.3f val ppl %.2f | %.0f tokens/s | %.0f s, ETA %.0f s",
          epoch, t.epochs(), lr, m.trainLoss(), m.valPpl(), m.tokensPerS(), seconds,
          elapsed / epoch * (t.epochs() - epoch)));
    }
    sc.setJobDescription(null);

    MultiLayerNetwork trained = sparkNet.getNetwork();
    HadoopFs.writeAtomically(layout.model(), conf, out -> ModelSerializer.writeModel(trained, out, true));
    TrainResult result = new TrainResult(workers, tokensPerEpoch, trained.numParams(), (System.nanoTime() - runStart) / 1e9, epochs);
    HadoopFs.writeAtomically(layout.trainMetrics(), conf, Json.pretty(result));
    return result;
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
