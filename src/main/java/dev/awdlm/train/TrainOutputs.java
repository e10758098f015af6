package dev.awdlm.train;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.stats.StatsUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a finished train leaves in the run: the model ({@code model/}), {@code train.json}, and,
 * with {@code train.collectStats}, dl4j-spark's statistics page.
 */
final class TrainOutputs {
  private static final Logger LOG = LoggerFactory.getLogger(TrainOutputs.class);
  static final String TIME_SOURCE = "org.deeplearning4j.spark.time.TimeSource";

  private final AwdlmConfig config;
  private final RunLayout layout;
  private final Configuration conf;

  TrainOutputs(AwdlmConfig config, RunLayout layout, Configuration conf) {
    this.config = config;
    this.layout = layout;
    this.conf = conf;
  }

  /** Makes {@code sparkNet} collect dl4j-spark's training statistics, or not. */
  static void collectStats(SparkDl4jMultiLayer sparkNet, boolean collect) {
    if (collect) {
      // dl4j-spark timestamps its statistics with an NTP clock by default, which queries a public
      // time server; clusters without Internet access (and this one's tests) use the local clock.
      System.setProperty(TIME_SOURCE, System.getProperty(TIME_SOURCE, "org.deeplearning4j.spark.time.SystemClockTimeSource"));
    }
    sparkNet.setCollectTrainingStats(collect);
  }

  /** Renders the collected statistics as {@link RunLayout#sparkStats}. */
  void writeStats(SparkTrainingStats stats) {
    Path page = layout.sparkStats();
    HadoopFs.writeAtomically(page, conf, out -> {
      try {
        StatsUtils.exportStatsAsHTML(stats, out);
      } catch (IOException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("cannot render the training statistics", e);
      }
    });
    LOG.info("train: dl4j-spark training statistics -> {}", page);
  }

  /**
   * Saves the best model by validation ({@code checkpoints/best/}, NT-ASGD's average when that was
   * the best), as awd-lstm-lm keeps it, with the run's vocabulary and config, then {@code train.json}.
   *
   * @param last the model after the last epoch, saved only if no best was ever recorded
   * @param plannedWorkers the workers dl4j-spark was given
   * @param nllUnobserved why the training NLL was not observed; null when it was
   */
  TrainResult save(MultiLayerNetwork last, Progress p, int plannedWorkers, long trainTokensPerEpoch, String nllUnobserved) {
    MultiLayerNetwork trained = Checkpoints.bestModel(layout, conf).orElse(last);
    LOG.info("train: saving the model of epoch {} (validation perplexity {})", p.bestEpoch, String.format("%.2f", p.bestValPpl));
    Vocabulary vocab = Vocabulary.parseTsv(HadoopFs.readUtf8(layout.vocab(), conf), layout.vocab().toString());
    SavedModel.write(layout.modelDir(), trained, vocab, config, layout.runId(), conf);
    int observed = p.epochs.stream().mapToInt(EpochMetrics::workers).max().orElse(0);
    if (observed != plannedWorkers) {
      LOG.warn("train: at most {} worker(s) trained in a round, {} planned (train.workers = {})", observed, plannedWorkers,
          config.train().workers());
    }
    TrainResult result = new TrainResult(observed, plannedWorkers, trainTokensPerEpoch, trained.numParams(), p.trainSeconds,
        p.rollbacks, p.asgd.triggerEpoch(), p.epochs, p.bestEpoch,
        nllUnobserved == null ? Map.of() : Map.of(TrainResult.TRAIN_NLL, nllUnobserved));
    HadoopFs.writeAtomically(layout.trainMetrics(), conf, Json.pretty(result));
    return result;
  }
}
