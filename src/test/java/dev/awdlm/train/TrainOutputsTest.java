package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.corpus.TokenCount;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.testing.SparkExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** What a finished train writes: the model, {@code train.json} and dl4j-spark's statistics page. */
@ExtendWith(SparkExtension.class)
class TrainOutputsTest {
  private static final int VOCAB = 12;
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();
  private final AwdlmConfig config = ConfigLoader.load(null, List.of("model.emsize=4", "model.nhid=6", "model.nlayers=1",
      "model.tied=false", "train.workers=2", "train.bptt=5", "train.batchSize=2", "train.averagingFrequency=3"));
  private RunLayout layout;

  @BeforeEach
  void run() {
    layout = RunLayout.of(new org.apache.hadoop.fs.Path(tmp.toUri()), "r");
    List<TokenCount> kept = IntStream.range(0, VOCAB - 2).mapToObj(i -> new TokenCount("w" + i, 100 - i)).toList();
    HadoopFs.writeAtomically(layout.vocab(), conf, Vocabulary.of(kept, 50, 3).toTsv());
  }

  private MultiLayerNetwork net() {
    return LanguageModels.of(config.model(), config.train(), VOCAB, LearningRateSchedule.initial(config.train()));
  }

  private static EpochMetrics epoch(int epoch, int workers) {
    return new EpochMetrics(epoch, 0.01, 2.0, Math.exp(2), 9, 3, 100, false, 0, 300, workers, List.of());
  }

  @Test
  void theModelAndTrainJsonAreSavedWithTheMostWorkersARoundTrained() {
    Progress p = new Progress(new LearningRateSchedule(config.train(), 2));
    p.epochs.addAll(List.of(epoch(1, 2), epoch(2, 1)));
    p.trainSeconds = 6;
    p.rollbacks = 1;
    p.asgd.trigger(1);
    p.bestEpoch = 2;
    MultiLayerNetwork trained = net();

    TrainResult r = new TrainOutputs(config, layout, conf).save(trained, p, 3, 1234, null);

    assertEquals(new TrainResult(2, 3, 1234, trained.numParams(), 6, 1, 1, p.epochs, 2, Map.of()), r);
    assertEquals(r, Trainer.readResult(layout, conf), "train.json");
    SavedModel saved = SavedModel.load("model", layout.runDir().toString(), conf);
    assertEquals(trained.params(), saved.net().params());
    assertEquals(VOCAB, saved.vocab().size());
    assertEquals("r", saved.runId());
  }

  @Test
  void theBestModelByValidationIsSavedRatherThanTheLast() {
    Progress p = new Progress(new LearningRateSchedule(config.train(), 2));
    p.epochs.addAll(List.of(epoch(1, 2), epoch(2, 2)));
    p.bestEpoch = 1;
    MultiLayerNetwork best = net();
    Checkpoints.writeBest(layout, p.state(1, config.hash()), best, conf);
    MultiLayerNetwork last = net();
    last.params().addi(1);

    TrainResult r = new TrainOutputs(config, layout, conf).save(last, p, 2, 1234, null);

    assertEquals(1, r.bestEpoch());
    assertEquals(best.params(), SavedModel.load("model", layout.runDir().toString(), conf).net().params());
  }

  /** {@code n} DataSets of 2 streams by 10 steps of random token ids. */
  private List<String> dataSets(int n) throws IOException {
    Random r = new Random(5);
    List<String> paths = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      INDArray f = Nd4j.create(DataType.FLOAT, 2, 1, 10);
      INDArray l = Nd4j.create(DataType.FLOAT, 2, 1, 10);
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

  @Test
  void collectedStatisticsAreRenderedToSparkStatsHtmlOnTheLocalClock(JavaSparkContext sc) throws Exception {
    String clock = System.clearProperty(TrainOutputs.TIME_SOURCE);
    try {
      SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net(), TrainingMasters.averaging(config.train(), 2, new RoundCollector()));
      TrainOutputs.collectStats(sparkNet, true);
      assertEquals("org.deeplearning4j.spark.time.SystemClockTimeSource", System.getProperty(TrainOutputs.TIME_SOURCE),
          "no NTP server to ask");
      sparkNet.fitPaths(TrainingMasters.round(sc, dataSets(3), 2, 3));
      new TrainOutputs(config, layout, sc.hadoopConfiguration()).writeStats(sparkNet.getSparkTrainingStats());
      String html = Files.readString(tmp.resolve("r/spark-stats.html"));
      assertTrue(html.contains("<html") && html.length() > 1000, "a rendered statistics page");
    } finally {
      if (clock == null) System.clearProperty(TrainOutputs.TIME_SOURCE);
      else System.setProperty(TrainOutputs.TIME_SOURCE, clock);
    }
  }
}
