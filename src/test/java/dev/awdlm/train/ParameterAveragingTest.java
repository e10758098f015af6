package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.model.AwdLstmLayer;
import dev.awdlm.model.AwdLstmSpec;
import dev.awdlm.testing.SparkExtension;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * dl4j-spark's parameter averaging with the AWD-LSTM, against models trained by hand: with
 * averaging after every minibatch, two workers on identical data equal one worker, and two workers
 * on different data equal the mean of two separately updated copies. SGD keeps no updater state,
 * and dropout is off, so the comparison is exact up to float rounding.
 */
@ExtendWith(SparkExtension.class)
class ParameterAveragingTest {
  private static final int VOCAB = 15;

  private static MultiLayerNetwork net() {
    AwdLstmSpec spec = new AwdLstmSpec(VOCAB, 6, 8, 2, 0, 0, 0, 0, 0, true, 0, 0);
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(3).dataType(DataType.FLOAT).updater(new Sgd(0.5))
        .list().layer(new AwdLstmLayer(spec))
        .backpropType(BackpropType.TruncatedBPTT).tBPTTLength(6)
        .build());
    net.init();
    return net;
  }

  /** One minibatch of 4 streams x 6 steps: exactly one update. */
  private static DataSet minibatch(long seed) {
    Random r = new Random(seed);
    INDArray f = Nd4j.create(DataType.FLOAT, 4, 1, 6);
    INDArray l = Nd4j.create(DataType.FLOAT, 4, 1, 6);
    for (int i = 0; i < 24; i++) {
      f.putScalar(i, r.nextInt(VOCAB));
      l.putScalar(i, r.nextInt(VOCAB));
    }
    return new DataSet(f, l);
  }

  private static INDArray averaged(JavaSparkContext sc, MultiLayerNetwork start, List<DataSet> perWorker) {
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(4)
        .batchSizePerWorker(4).averagingFrequency(1).workerPrefetchNumBatches(0).saveUpdater(true).rngSeed(1).build();
    SparkDl4jMultiLayer sparkNet = new SparkDl4jMultiLayer(sc, start, master);
    sparkNet.fit(sc.parallelize(perWorker, 2));
    return sparkNet.getNetwork().params();
  }

  private static INDArray trainedAlone(MultiLayerNetwork start, DataSet ds) {
    MultiLayerNetwork copy = start.clone();
    copy.fit(ds);
    return copy.params();
  }

  private static void assertClose(INDArray expected, INDArray actual, String what) {
    double moved = expected.norm2Number().doubleValue();
    double err = expected.sub(actual).norm2Number().doubleValue();
    assertTrue(err <= 1e-5 * moved, what + ": error " + err + " against norm " + moved);
  }

  @Test
  void identicalDataOnTwoWorkersEqualsOneWorker(JavaSparkContext sc) {
    MultiLayerNetwork start = net();
    DataSet a = minibatch(1);
    INDArray alone = trainedAlone(start, a);
    assertTrue(alone.sub(start.params()).norm2Number().doubleValue() > 1e-3, "the update is not negligible");
    assertClose(alone, averaged(sc, start.clone(), List.of(a, a.copy())), "identical data");
  }

  @Test
  void differentDataGivesTheMeanOfTheSeparatelyUpdatedModels(JavaSparkContext sc) {
    MultiLayerNetwork start = net();
    DataSet a = minibatch(1);
    DataSet b = minibatch(2);
    INDArray mean = trainedAlone(start, a).add(trainedAlone(start, b)).divi(2);
    assertTrue(trainedAlone(start, a).sub(trainedAlone(start, b)).norm2Number().doubleValue() > 1e-3, "the workers differ");
    assertClose(mean, averaged(sc, start.clone(), List.of(a, b)), "different data");
  }
}
