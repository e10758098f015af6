package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The layer's regularization score is DL4J's, whichever way the layer computes it. */
class AwdLstmRegularizationTest {
  @Test
  void scoreIsHalfL2TimesSquaredNormPerParameterPlusL1() {
    double l2 = 0.3;
    double l2Bias = 0.7;
    double l1 = 0.05;
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
        .seed(3).dataType(DataType.DOUBLE).l2(l2).l2Bias(l2Bias).l1(l1)
        .list().layer(new AwdLstmLayer(AwdLstmNets.spec(11, 4, 5, 2, true))).build());
    net.init();

    double expected = 0;
    for (Map.Entry<String, INDArray> e : net.getLayer(0).paramTable().entrySet()) {
      double squares = 0;
      double absolute = 0;
      for (double v : e.getValue().dup().data().asDouble()) {
        squares += v * v;
        absolute += Math.abs(v);
      }
      // Biases (b0, b1, ..., bd) take l2Bias and no L1 (l1Bias is unset); weights take l2 and l1.
      boolean bias = e.getKey().startsWith("b");
      expected += bias ? 0.5 * l2Bias * squares : 0.5 * l2 * squares + l1 * absolute;
    }
    assertEquals(expected, net.calcRegularizationScore(true), 1e-9 * expected);
  }
}
