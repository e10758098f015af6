package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.testing.DoublePrecisionExtension;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's numerical gradient check on the whole AWD-LSTM in double precision: every parameter,
 * tied and untied, with each regulariser switched on in turn and all together. The masks are
 * frozen by resetting ND4J's RNG before every evaluation, so each draws the same masks.
 */
@ExtendWith(DoublePrecisionExtension.class)
class AwdLstmGradientCheckTest {

  @ParameterizedTest(name = "tied={0} {1}={2}")
  @CsvSource({
      "true, none, 0", "true, dropoute, 0.3", "true, dropouti, 0.4", "true, dropouth, 0.3", "true, dropout, 0.4",
      "true, wdrop, 0.5", "true, alpha, 2", "true, beta, 1", "true, all, 0",
      "false, none, 0", "false, dropoute, 0.3", "false, wdrop, 0.5", "false, all, 0"})
  void gradientsMatchFiniteDifferences(boolean tied, String knob, double value) {
    AwdLstmSpec spec = AwdLstmNets.spec(7, 4, 5, 2, tied);
    if (knob.equals("all")) {
      spec = new AwdLstmSpec(7, 4, 5, 2, 0.4, 0.3, 0.4, 0.3, 0.5, tied, 2, 1);
    } else {
      spec = AwdLstmNets.with(spec, knob, value);
    }
    MultiLayerNetwork net = AwdLstmNets.net(spec, DataType.DOUBLE, null, null, 42);
    INDArray in = AwdLstmNets.tokens(7, 3, 4, 1, DataType.DOUBLE);
    INDArray labels = AwdLstmNets.tokens(7, 3, 4, 2, DataType.DOUBLE);
    boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig()
        .net(net).input(in).labels(labels)
        .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8) // DL4J's own gradient-check settings
        .print(GradientCheckUtil.PrintMode.FAILURES_ONLY)
        .callEachIter(n -> Nd4j.getRandom().setSeed(12345)));
    assertTrue(ok, "gradient check failed for tied=" + tied + " " + knob + "=" + value);
  }
}
