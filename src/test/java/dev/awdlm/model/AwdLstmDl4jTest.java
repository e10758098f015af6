package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.testing.SparkExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;

/** The AWD-LSTM layer inside DL4J: serialisation, training, and dl4j-spark parameter averaging. */
@ExtendWith(SparkExtension.class)
class AwdLstmDl4jTest {
  private static final AwdLstmSpec SPEC = new AwdLstmSpec(20, 8, 12, 2, 0.2, 0.1, 0.2, 0.1, 0.3, true, 2, 1);

  /** A language-modelling DataSet: a token stream cut into {@code batch} rows, labels shifted by one. */
  static DataSet stream(int[] tokens, int batch) {
    int steps = (tokens.length - 1) / batch;
    INDArray f = Nd4j.create(DataType.FLOAT, batch, 1, steps);
    INDArray l = Nd4j.create(DataType.FLOAT, batch, 1, steps);
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) {
        f.putScalar(new long[] {b, 0, t}, tokens[b * steps + t]);
        l.putScalar(new long[] {b, 0, t}, tokens[b * steps + t + 1]);
      }
    }
    return new DataSet(f, l);
  }

  @Test
  void configurationSurvivesJson() {
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, DataType.FLOAT, new Adam(0.01), 5, 1);
    String json = net.getLayerWiseConfigurations().toJson();
    MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
    assertEquals(net.getLayerWiseConfigurations(), back);
    assertEquals(SPEC, ((AwdLstmLayer) back.getConf(0).getLayer()).getSpec());
  }

  @Test
  void modelSerializerRoundTripGivesIdenticalOutputs() throws Exception {
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, DataType.FLOAT, new Adam(0.01), 5, 1);
    DataSet ds = stream(new java.util.Random(3).ints(161, 0, 20).toArray(), 4);
    for (int i = 0; i < 3; i++) net.fit(ds);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    MultiLayerNetwork back = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes.toByteArray()), true);

    assertEquals(net.params(), back.params());
    assertEquals(net.getUpdater().getStateViewArray(), back.getUpdater().getStateViewArray());
    net.rnnClearPreviousState();
    back.rnnClearPreviousState();
    for (int chunk = 0; chunk < 2; chunk++) { // the carried state must match too
      INDArray in = ds.getFeatures().get(org.nd4j.linalg.indexing.NDArrayIndex.all(), org.nd4j.linalg.indexing.NDArrayIndex.all(),
          org.nd4j.linalg.indexing.NDArrayIndex.interval(chunk * 10, chunk * 10 + 10)).dup();
      assertEquals(net.rnnTimeStep(in), back.rnnTimeStep(in));
    }
  }

  @Test
  void memorizesAShortSequence() {
    AwdLstmSpec spec = new AwdLstmSpec(12, 16, 32, 1, 0, 0, 0, 0, 0, true, 0, 0);
    int[] tokens = new int[41];
    java.util.Random r = new java.util.Random(5);
    for (int i = 0; i < tokens.length; i++) tokens[i] = r.nextInt(12);
    DataSet ds = stream(tokens, 1);
    MultiLayerNetwork net = AwdLstmNets.net(spec, DataType.FLOAT, new Adam(0.02), null, 7);
    double first = Double.NaN;
    for (int i = 0; i < 300; i++) {
      net.fit(ds);
      if (i == 0) first = net.score();
    }
    double ppl = Math.exp(net.score());
    assertTrue(first > Math.log(8), "starts near uniform: loss " + first);
    assertTrue(ppl < 1.2, "train perplexity " + ppl + " after memorising 40 tokens");
  }

  @Test
  void trainsWithParameterAveragingOnSpark(JavaSparkContext sc) {
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, DataType.FLOAT, new Adam(0.03), 10, 11);
    java.util.Random r = new java.util.Random(9);
    // A learnable stream: each token is the previous one plus 1 or 2 (mod 20).
    int[] tokens = new int[8 * 4 * 30 + 1];
    for (int i = 1; i < tokens.length; i++) tokens[i] = (tokens[i - 1] + 1 + r.nextInt(2)) % 20;
    List<DataSet> shards = new ArrayList<>();
    int per = (tokens.length - 1) / 8;
    for (int s = 0; s < 8; s++) shards.add(stream(java.util.Arrays.copyOfRange(tokens, s * per, s * per + per + 1), 4));
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(4)
        .batchSizePerWorker(4).averagingFrequency(2).workerPrefetchNumBatches(0).saveUpdater(true).rngSeed(1).build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, net, master);
    INDArray before = net.params().dup();
    double firstScore = Double.NaN;
    double lastScore = Double.NaN;
    for (int epoch = 0; epoch < 10; epoch++) {
      sparkNet.fit(sc.parallelize(shards, 2));
      if (epoch == 0) firstScore = sparkNet.getScore();
      lastScore = sparkNet.getScore();
    }
    assertNotEquals(before, sparkNet.getNetwork().params());
    assertTrue(lastScore < firstScore - 0.3, "loss " + firstScore + " -> " + lastScore);
  }
}
