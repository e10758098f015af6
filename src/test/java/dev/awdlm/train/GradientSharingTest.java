package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.testing.SparkExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.impl.SerializedDataSetLoader;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * {@code train.sync = sharing} on {@code local[2]}: the master it selects, the Aeron setting its
 * loader carries to each executor JVM, and that the AWD-LSTM learns under gradient sharing, on
 * variable-length windows at their own rates, with what the driver can observe recorded honestly.
 * The multi-JVM case is in PipelineIT.
 */
@ExtendWith(SparkExtension.class)
class GradientSharingTest {
  @TempDir Path tmp;

  @Test
  void syncSelectsTheMasterItsLoaderAndWhatTheDriverObserves(JavaSparkContext sc) throws IOException {
    TinyRun run = new TinyRun(tmp, sc);
    AwdlmConfig fixed = run.config("train.variableBptt=false");
    TrainingRounds averaging = TrainingMasters.rounds(fixed.train(), 2, sc);
    assertInstanceOf(ParameterAveragingTrainingMaster.class, averaging.master());
    assertInstanceOf(SerializedDataSetLoader.class, averaging.epoch(fixed.model(), fixed.train(), 1, 0.01));
    AwdlmConfig variable = run.config();
    assertInstanceOf(VariableBpttLoader.class, averaging.epoch(variable.model(), variable.train(), 1, 0.01), "the epoch's windows");
    assertInstanceOf(RoundCollector.class, averaging.observer());
    assertNull(averaging.unobserved(), "the averaging workers report their NLL");

    TrainingRounds sharing = TrainingMasters.rounds(run.config("train.sync=sharing").train(), 2, sc);
    SharedTrainingMaster m = assertInstanceOf(SharedTrainingMaster.class, sharing.master());
    assertEquals(2, m.getNumWorkers());
    assertEquals(1, m.getNumWorkersPerNode(), "one trainer thread per JVM");
    assertEquals(4, m.getRddDataSetNumExamples(), "one exported DataSet (train.batchSize streams) is one minibatch");
    assertNull(m.getRepartitioner(), "rounds keep their one partition per worker");
    assertInstanceOf(GradientSharing.PerJvmPort.class, m.getVoidConfiguration().getPortSupplier());
    assertEquals("127.0.0.1", m.getVoidConfiguration().getControllerAddress(), "the driver, as Spark's executors reach it");
    assertEquals("127.0.0.0/8", m.getVoidConfiguration().getNetworkMask());
    assertInstanceOf(SharedRounds.class, sharing.observer());
    assertNotNull(sharing.unobserved(), "why the NLL is missing");
  }

  @Test
  void theLoaderSetsAeronsUnblockTimeoutInTheJvmThatDeserializesIt(JavaSparkContext sc) throws Exception {
    String before = System.clearProperty(GradientSharing.UNBLOCK_TIMEOUT_PROPERTY);
    try {
      Object loader = new SharedRounds(sc).observing(new SerializedDataSetLoader());
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
        out.writeObject(loader);
      }
      assertNull(System.getProperty(GradientSharing.UNBLOCK_TIMEOUT_PROPERTY));
      try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
        in.readObject();
      }
      assertEquals(GradientSharing.UNBLOCK_TIMEOUT_NS, System.getProperty(GradientSharing.UNBLOCK_TIMEOUT_PROPERTY),
          "as an executor does when it deserializes a round's task");
    } finally {
      if (before != null) System.setProperty(GradientSharing.UNBLOCK_TIMEOUT_PROPERTY, before);
    }
  }

  @Test
  void executorsAnnounceTheirAddressInTheDriversSubnet() {
    assertEquals("127.0.0.0/8", GradientSharing.networkMask("localhost"));
    assertEquals("10.1.0.0/16", GradientSharing.subnet(new byte[] {10, 1, 2, 3}, 16));
    assertEquals("192.168.7.128/25", GradientSharing.subnet(new byte[] {(byte) 192, (byte) 168, 7, (byte) 200}, 25));
  }

  /**
   * Appends a line per optimizer step, the step's learning rate, to a file per executor.
   * SharedTrainingMaster returns no listener output to the driver, so a test on one machine reads
   * the steps through the filesystem.
   */
  private static final class StepLog extends BaseTrainingListener implements Serializable {
    private final String dir;

    StepLog(Path dir) {
      this.dir = dir.toString();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
      try {
        Files.writeString(Path.of(dir, "executor-" + SparkEnv.get().executorId()), ((MultiLayerNetwork) model).getLearningRate(0) + "\n",
            StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    List<Double> rates() throws IOException {
      List<Double> rates = new ArrayList<>();
      try (var files = Files.list(Path.of(dir))) {
        for (Path f : files.toList()) Files.readAllLines(f).forEach(line -> rates.add(Double.parseDouble(line)));
      }
      return rates;
    }
  }

  private static double meanScore(MultiLayerNetwork net, List<DataSet> data) {
    double s = 0;
    for (DataSet d : data) s += net.score(d);
    return s / data.size();
  }

  /**
   * The learning rate of each window the epoch's loader cuts from the files: awd-lstm-lm's
   * {@code lr * seq_len / bptt}, a window's length being its slot's masked-in steps.
   */
  private static List<Double> windowRates(List<String> files, AwdlmConfig c, double lr, Configuration conf) throws IOException {
    DataSetLoader loader = TrainingMasters.loader(c.model(), c.train(), 1);
    int slot = c.train().maxWindow();
    List<Double> rates = new ArrayList<>();
    for (String f : files) {
      INDArray mask = loader.load(TinyRun.source(f, conf)).getLabelsMaskArray();
      for (long at = 0; at < mask.size(1); at += slot) {
        double length = mask.get(NDArrayIndex.point(0), NDArrayIndex.interval(at, at + slot)).sumNumber().doubleValue();
        rates.add(lr * length / c.train().bptt());
      }
    }
    return rates;
  }

  @Test
  void theAwdLstmLearnsOneStepPerVariableLengthWindowAtItsRateAndTheDriverCountsTheRealTokens(JavaSparkContext sc)
      throws IOException {
    TinyRun run = new TinyRun(tmp, sc);
    AwdlmConfig config = run.config("train.sync=sharing");
    assertTrue(config.train().variableBptt(), "the default");
    Configuration conf = sc.hadoopConfiguration();
    List<String> files = run.trainFiles(conf);
    List<DataSet> data = files.stream().map(f -> TinyRun.load(f, conf)).toList();
    double lr = LearningRateSchedule.initial(config.train());
    MultiLayerNetwork net = LanguageModels.of(config.model(), config.train(), run.prepared.vocabSize(), lr);
    TrainingRounds rounds = TrainingMasters.rounds(config.train(), 2, sc);
    StepLog log = new StepLog(Files.createDirectories(tmp.resolve("steps")));
    // what rounds.epoch gives the workers, and the step log after it
    List<TrainingListener> listeners = new ArrayList<>(TrainingMasters.listeners(config.model(), config.train(), lr));
    listeners.add(log);
    rounds.observer().listen(rounds.master(), listeners);
    DataSetLoader loader = rounds.observer().observing(TrainingMasters.loader(config.model(), config.train(), 1));
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, rounds.master());

    double s0 = meanScore(net, data);
    RoundCollector.Tally tally = rounds.fit(sparkNet, sc.parallelize(files, 2), loader);
    double s1 = meanScore(sparkNet.getNetwork(), data);

    List<Double> expected = windowRates(files, config, lr, conf);
    List<Double> actual = log.rates();
    Collections.sort(expected);
    Collections.sort(actual);
    assertEquals(expected.size(), actual.size(), "one optimizer step per variable-length window of every DataSet");
    for (int i = 0; i < expected.size(); i++) assertEquals(expected.get(i), actual.get(i), 1e-12, "window rates " + actual);
    assertTrue(expected.stream().distinct().count() > 1, "windows of different lengths: " + expected);
    assertEquals(run.prepared.splits().get("train").predictedTokens(), tally.tokens(), "every real token counted once, no padding");
    assertEquals(1, tally.workers(), "local[2] is one JVM, so one trainer");
    assertNull(tally.nllSum(), "not observed under sharing");
    assertTrue(s1 < s0, "the driver's network learns from the shared updates: mean score " + s0 + " -> " + s1);
  }

  @Test
  void aSharingRunLearnsAndItsTrainJsonSaysWhyTheTrainingNllIsMissing(JavaSparkContext sc) {
    TinyRun run = new TinyRun(tmp, sc);
    TrainResult r = Trainer.train(run.config("train.sync=sharing", "train.epochs=2"), sc, run.layout, run.prepared);

    assertEquals(GradientSharing.NLL_UNOBSERVED, r.unobserved().get(TrainResult.TRAIN_NLL));
    assertEquals(r, Trainer.readResult(run.layout, sc.hadoopConfiguration()), "train.json");
    for (EpochMetrics e : r.epochs()) {
      assertNull(e.trainNll(), "epoch " + e.epoch());
      assertNull(e.trainPpl(), "epoch " + e.epoch());
      assertEquals(run.prepared.splits().get("train").predictedTokens(), e.tokens(), "every train token once, epoch " + e.epoch());
      for (RoundMetrics round : e.rounds()) assertNull(round.nll(), "epoch " + e.epoch() + " round " + round.round());
    }
    assertEquals(1, r.workers(), "one trainer JVM observed");
    assertTrue(r.epochs().get(1).valPpl() < r.epochs().get(0).valPpl(), "validation improves: " + r.epochs());
  }
}
