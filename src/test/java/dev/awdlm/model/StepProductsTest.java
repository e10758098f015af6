package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The step loops' two product layouts ({@link AwdLstmCore}'s {@code rowMajorSteps}) compute the
 * same training pass: loss, every gradient and the last state, with every dropout, weight drop,
 * AR and TAR on, a non-zero initial state, DL4J's parameter views, and a window of one step. The gradient checks cover the column-major layout
 * (the default where ND4J multiplies through OpenBLAS, as in the tests), so this carries them over
 * to the row-major one that the oneDNN build uses.
 */
class StepProductsTest {
  // emsize 5, nhid 7, 3 layers (5 -> 7 -> 7 -> 5), tied, awd-lstm-lm's PTB dropouts, AR 2, TAR 1
  private static final AwdLstmSpec SPEC = new AwdLstmSpec(17, 5, 7, 3, 0.4, 0.3, 0.65, 0.1, 0.5, true, 2, 1);
  private static final int BATCH = 3;

  static Stream<Arguments> cases() {
    return Stream.of(Arguments.of(DataType.DOUBLE, 6), Arguments.of(DataType.FLOAT, 6), Arguments.of(DataType.DOUBLE, 1));
  }

  @ParameterizedTest(name = "{0}, {1} steps")
  @MethodSource("cases")
  void rowMajorStepsTrainAsColumnMajorSteps(DataType type, int steps) {
    // DL4J's parameters: views of the layer's flat parameter vector, as training passes them.
    Map<String, INDArray> params = AwdLstmNets.net(SPEC, type, null, null, 29).getLayer(0).paramTable();
    Nd4j.getRandom().setSeed(5);
    for (int l = 0; l < SPEC.nlayers(); l++) params.get(AwdLstmCore.bias(l)).assign(Nd4j.randn(type, 1, 4L * SPEC.hiddenSize(l)));
    int[] tokens = ids(3, steps);
    int[] labels = ids(4, steps);
    AwdLstmCore.Masks masks = AwdLstmCore.Masks.draw(SPEC, BATCH, type);
    AwdLstmCore columns = new AwdLstmCore(SPEC, false, false);
    AwdLstmCore rows = new AwdLstmCore(SPEC, false, true);
    // A state from an earlier window, as TBPTT carries it.
    AwdLstmCore.State start = columns.score(params, ids(5, 4), ids(6, 4), 4, BATCH, AwdLstmCore.State.zeros(SPEC, BATCH, type)).last();

    AwdLstmCore.Pass expected = columns.forward(params, tokens, steps, BATCH, start, masks, labels);
    Map<String, INDArray> expectedGrads = zeros(type);
    columns.backward(params, expected, labels, expectedGrads);
    AwdLstmCore.Pass actual = rows.forward(params, tokens, steps, BATCH, start, masks, labels);
    Map<String, INDArray> actualGrads = zeros(type);
    rows.backward(params, actual, labels, actualGrads);

    double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-5;
    assertTrue(expected.ar() > 0 && (steps == 1 || expected.tar() > 0), "AR and TAR must be part of the loss");
    assertEquals(expected.loss(), actual.loss(), tolerance * expected.loss(), "loss");
    for (String name : expectedGrads.keySet()) {
      INDArray want = expectedGrads.get(name);
      assertTrue(want.amaxNumber().doubleValue() > 0, name + "'s gradient is all zeros: the test checks nothing there");
      assertClose(want, actualGrads.get(name), tolerance, "gradient of " + name);
    }
    for (int l = 0; l < SPEC.nlayers(); l++) {
      assertClose(expected.last().h()[l], actual.last().h()[l], tolerance, "last h of layer " + l);
      assertClose(expected.last().c()[l], actual.last().c()[l], tolerance, "last c of layer " + l);
    }
  }

  private static Map<String, INDArray> zeros(DataType type) {
    Map<String, INDArray> grads = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : SPEC.parameterShapes().entrySet()) grads.put(e.getKey(), Nd4j.zeros(type, e.getValue()));
    return grads;
  }

  private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
    double scale = Math.max(1e-3, expected.amaxNumber().doubleValue());
    double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    assertTrue(diff <= tolerance * scale, what + ": max difference " + diff + " (scale " + scale + ")");
  }

  private static int[] ids(long seed, int steps) {
    Random r = new Random(seed);
    int[] out = new int[steps * BATCH];
    for (int i = 0; i < out.length; i++) out[i] = r.nextInt(SPEC.vocab());
    return out;
  }
}
