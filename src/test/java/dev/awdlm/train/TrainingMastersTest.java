package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.Json;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The masters awdlm builds, and what their workers report back, on real Spark with Kryo registration required. */
@ExtendWith(SparkExtension.class)
class TrainingMastersTest {
  private static final int VOCAB = 30;
  @TempDir Path tmp;

  private AwdlmConfig config(String... overrides) {
    return ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf")).toFile(), List.of(overrides));
  }

  @Test
  void theMasterTrainsWhatTheConfigSays() {
    AwdlmConfig config = config("train.batchSize=6", "train.averagingFrequency=3", "train.prefetch=4", "train.repartition=never");
    ParameterAveragingTrainingMaster m = TrainingMasters.averaging(config.train(), 5, new RoundCollector());
    assertEquals(5, m.getNumWorkers(), "the workers are given, never Spark's default parallelism");
    assertEquals(6, m.getRddDataSetNumExamples(), "one exported DataSet is one worker minibatch");
    assertEquals(3, m.getAveragingFrequency());
    assertEquals(4, m.getPrefetchNumBatches());
    assertTrue(m.isSaveUpdater(), "updater state is averaged with the parameters");
    var json = Json.tree(m.toJson());
    assertEquals(6, json.get("batchSizePerWorker").asInt());
    assertEquals("Never", json.get("repartition").asText());
    assertEquals("NumPartitionsWorkersDiffers",
        Json.tree(TrainingMasters.averaging(config("train.repartition=auto").train(), 1, new RoundCollector()).toJson())
            .get("repartition").asText());
  }

  private List<String> dataSets(int n, int batch, int steps) throws IOException {
    Random r = new Random(5);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      INDArray f = Nd4j.create(DataType.FLOAT, batch, 1, steps);
      INDArray l = Nd4j.create(DataType.FLOAT, batch, 1, steps);
      for (int j = 0; j < f.length(); j++) {
        f.putScalar(j, r.nextInt(VOCAB));
        l.putScalar(j, r.nextInt(VOCAB));
      }
      Path file = tmp.resolve("ds-" + i + ".bin");
      new DataSet(f, l).save(file.toFile());
      paths.add(file.toUri().toString());
    }
    return paths;
  }

  /**
   * A round of 3 DataSets at averaging frequency 3: as many workers train as are given, at most one
   * per DataSet, and together they fit all 3.
   */
  @ParameterizedTest
  @CsvSource({"1, 1", "2, 2", "4, 3"})
  void aRoundTrainsTheGivenWorkersAndEveryWorkerReportsItsTokens(int workers, int observed, JavaSparkContext sc) throws IOException {
    AwdlmConfig config = config("train.averagingFrequency=3", "train.batchSize=2", "train.bptt=5", "train.optimizer=sgd");
    RoundCollector collector = new RoundCollector();
    var net = LanguageModels.of(config.model(), config.train(), VOCAB, LearningRateSchedule.initial(config.train()));
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, TrainingMasters.averaging(config.train(), workers, collector));
    List<String> paths = dataSets(3, 2, 10);
    sparkNet.fitPaths(TrainingMasters.round(sc, paths, workers, 3));
    RoundCollector.Tally tally = collector.drain();
    assertEquals(observed, tally.workers(), workers + " worker(s) given, 3 DataSets");
    assertEquals(3 * 2 * 10, tally.tokens(), "3 DataSets of 2 streams x 10 steps");
    assertTrue(tally.meanNll() > 0 && tally.meanNll() < 2 * Math.log(VOCAB), "a per-token NLL: " + tally.meanNll());
    assertEquals(0, collector.drain().tokens(), "drained");
  }

  @Test
  void aRoundLargerThanTheWorkersFitIsRefusedRatherThanCutShort(JavaSparkContext sc) {
    // dl4j-spark's workers stop after averagingFrequency DataSets and drop the rest of their partition
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> TrainingMasters.round(sc, List.of("a", "b", "c"), 1, 2));
    assertTrue(e.getMessage().contains("3 DataSets"), e.getMessage());
  }
}
