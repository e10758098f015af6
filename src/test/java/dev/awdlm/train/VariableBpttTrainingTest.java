package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.awdlm.batch.VariableBptt;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.model.LanguageModels;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.common.loader.LocalFileSourceFactory;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Variable-length BPTT on the training path: the loader's windows (what a worker trains in an
 * epoch) and the learning rate scaled by each window's length, on a real network without dropout,
 * so that runs compare exactly.
 */
class VariableBpttTrainingTest {
  private static final int VOCAB = 11;
  @TempDir Path tmp;

  private static AwdlmConfig config(boolean variable) {
    return ConfigLoader.load(null, List.of("model.emsize=4", "model.nhid=6", "model.nlayers=2", "model.dropout=0",
        "model.dropouth=0", "model.dropouti=0", "model.dropoute=0", "model.wdrop=0", "train.bptt=10", "train.clip=0",
        "train.wdecay=0", "train.alpha=0", "train.beta=0", "train.lr=0.5", "train.seed=3", "train.variableBptt=" + variable));
  }

  private static MultiLayerNetwork net(AwdlmConfig c) {
    return LanguageModels.of(c.model(), c.train(), VOCAB, c.train().lr());
  }

  private static DataSet shard(int streams, int steps) {
    java.util.Random random = new java.util.Random(5);
    INDArray tokens = Nd4j.zeros(DataType.FLOAT, streams, 1, steps + 1);
    for (int b = 0; b < streams; b++) {
      for (int t = 0; t <= steps; t++) tokens.putScalar(new long[] {b, 0, t}, random.nextInt(VOCAB));
    }
    return new DataSet(tokens.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, steps)).dup(),
        tokens.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, steps + 1)).dup());
  }

  @Test
  void aWindowOfSevenStepsTrainsAtSevenTenthsOfTheRate() {
    AwdlmConfig variable = config(true);
    DataSet shard = shard(2, 7);
    MultiLayerNetwork scaled = net(variable);
    scaled.setListeners(new VariableBpttRate(0.5, 10));
    scaled.fit(VariableBptt.padded(shard, List.of(7), variable.train().maxWindow()));

    MultiLayerNetwork plain = net(config(false));
    plain.setLearningRate(0.5 * 7 / 10);
    plain.fit(shard);
    assertEquals(plain.params(), scaled.params());
  }

  @Test
  void aWorkersCloneOfTheConfigurationHasItsOwnLearningRate() {
    MultiLayerNetwork driver = net(config(true));
    var worker = new MultiLayerNetwork(driver.getLayerWiseConfigurations().clone());
    worker.init();
    worker.setListeners(new VariableBpttRate(0.5, 10));
    worker.fit(VariableBptt.padded(shard(2, 7), List.of(7), config(true).train().maxWindow()));
    assertEquals(0.5 * 7 / 10, worker.getLearningRate(0), 1e-12);
    assertEquals(0.5, driver.getLearningRate(0), 1e-12, "the driver's rate is its own");
  }

  @Test
  void theLoaderCutsEachShardAfreshEveryEpochAndKeepsEveryToken() throws Exception {
    DataSet shard = shard(3, 200);
    File file = tmp.resolve("shard.bin").toFile();
    shard.save(file);
    AwdlmConfig c = config(true);
    var source = new LocalFileSourceFactory().getSource(file.getPath());
    DataSet epoch1 = TrainingMasters.loader(c.model(), c.train(), 1).load(source);
    DataSet again = TrainingMasters.loader(c.model(), c.train(), 1).load(source);
    DataSet epoch2 = TrainingMasters.loader(c.model(), c.train(), 2).load(source);

    assertEquals(epoch1, again, "an epoch's windows do not depend on who loads the shard");
    assertNotEquals(windowStarts(epoch1), windowStarts(epoch2), "window boundaries move from epoch to epoch");
    assertEquals(shard.getFeatures(), kept(epoch1.getFeatures(), epoch1.getFeaturesMaskArray()));
    assertEquals(shard.getLabels(), kept(epoch2.getLabels(), epoch2.getLabelsMaskArray()));
    assertEquals(0, epoch1.getFeatures().size(2) % c.train().maxWindow(), "whole TBPTT slots");
  }

  @Test
  void withoutVariableBpttTheLoaderReturnsTheShardAsExported() throws Exception {
    DataSet shard = shard(3, 40);
    File file = tmp.resolve("shard.bin").toFile();
    shard.save(file);
    AwdlmConfig c = config(false);
    assertEquals(shard, TrainingMasters.loader(c.model(), c.train(), 1).load(new LocalFileSourceFactory().getSource(file.getPath())));
  }

  /** The token position each window starts at, in the shard's own steps. */
  private static List<Integer> windowStarts(DataSet padded) {
    INDArray mask = padded.getFeaturesMaskArray();
    List<Integer> starts = new ArrayList<>();
    int at = 0;
    for (int t = 0; t < mask.size(1); t++) {
      boolean kept = mask.getDouble(0, t) != 0;
      if (kept && (t == 0 || mask.getDouble(0, t - 1) == 0)) starts.add(at);
      if (kept) at++;
    }
    return starts;
  }

  /** The masked-in steps of {@code [rows, 1, T]} in order. */
  private static INDArray kept(INDArray a, INDArray mask) {
    List<INDArray> steps = new ArrayList<>();
    for (int t = 0; t < mask.size(1); t++) {
      if (mask.getDouble(0, t) != 0) steps.add(a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t, t + 1)));
    }
    return Nd4j.concat(2, steps.toArray(INDArray[]::new));
  }
}
