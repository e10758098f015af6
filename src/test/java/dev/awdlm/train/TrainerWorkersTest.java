package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.testing.SparkExtension;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code train.workers} is the number of workers that train, whatever Spark's default parallelism. */
@ExtendWith(SparkExtension.class)
class TrainerWorkersTest {
  @TempDir Path tmp;
  private JavaSparkContext sc;
  private TinyRun run;

  @BeforeEach
  void prepare(JavaSparkContext sc) {
    this.sc = sc;
    run = new TinyRun(tmp, sc);
  }

  @Test
  void oneWorkerOnLocal2TrainsLikeOneNetworkFittingEveryDataSetInTurn() {
    // SGD without dropout: one worker's rounds are the same sequence of updates as a single network's.
    AwdlmConfig config = run.config("train.workers=1", "train.averagingFrequency=3", "train.optimizer=sgd", "train.lr=1", "model.dropout=0");
    TrainResult r = Trainer.train(config, sc, run.layout, run.prepared);
    Configuration conf = sc.hadoopConfiguration();
    MultiLayerNetwork alone = run.fitAlone(LanguageModels.of(config.model(), config.train(), run.prepared.vocabSize(),
        LearningRateSchedule.initial(config.train())),
        config, 1, conf);
    MultiLayerNetwork trained = SavedModel.loadNetwork("model", run.layout.model(), conf);
    TinyRun.assertClose(alone.params(), trained.params(), "one worker against one network");
    assertEquals(1, r.workers(), "observed");
    assertEquals(1, r.plannedWorkers());
    List<RoundMetrics> rounds = r.epochs().get(0).rounds();
    assertEquals(run.trainFiles(conf).size(), rounds.size() * 3 - (3 - run.trainFiles(conf).size() % 3) % 3,
        "rounds of 3 DataSets cover the epoch");
    for (RoundMetrics round : rounds) assertEquals(1, round.workers(), "round " + round.round());
    assertEquals(run.prepared.splits().get("train").predictedTokens(), r.epochs().get(0).tokens(),
        "every predicted train token was trained on once");
  }
}
