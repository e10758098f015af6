package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluation's passes through libnd4j's fused lstmLayer op ({@link FusedLstm}) compute what the
 * step loop computes: the same NLL per token, top outputs and last state, from a non-zero state,
 * with the layers of different widths. The op orders its gates differently from the layer, so a
 * wrong reordering of the weights changes every figure.
 */
class FusedLstmTest {
  // emsize 5, nhid 7, 3 layers: the widths 5 -> 7 -> 7 -> 5, as the tied model's
  private static final AwdLstmSpec SPEC = AwdLstmNets.spec(19, 5, 7, 3, true);
  private static final int STEPS = 6;
  private static final int BATCH = 3;

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
  void theFusedOpScoresAsTheStepLoop(DataType type) {
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, type, null, null, 29);
    Map<String, INDArray> params = net.getLayer(0).paramTable();
    // DL4J starts the biases at 0 (and the forget gate's at 1): random ones make every gate's bias count.
    Nd4j.getRandom().setSeed(7);
    for (int l = 0; l < SPEC.nlayers(); l++) params.get(AwdLstmCore.bias(l)).assign(Nd4j.randn(type, 1, 4L * SPEC.hiddenSize(l)));
    int[] tokens = ids(11);
    int[] labels = ids(12);
    AwdLstmCore loop = new AwdLstmCore(SPEC, false, false);
    AwdLstmCore fused = new AwdLstmCore(SPEC, true, false);
    // A state from an earlier window, as stateful evaluation carries it.
    AwdLstmCore.State start = loop.score(params, labels, tokens, STEPS, BATCH, AwdLstmCore.State.zeros(SPEC, BATCH, type)).last();

    AwdLstmCore.Pass expected = loop.score(params, tokens, labels, STEPS, BATCH, start);
    AwdLstmCore.Pass actual = fused.score(params, tokens, labels, STEPS, BATCH, start);

    assertNull(actual.gates[0], "the fused pass keeps no caches for a backward pass");
    double tolerance = type == DataType.DOUBLE ? 1e-10 : 1e-5;
    assertEquals(expected.nllSum(), actual.nllSum(), tolerance * expected.nllSum());
    assertArrayEquals(expected.tokenNll(), actual.tokenNll(), tolerance * 10);
    assertClose(expected.topOutputs(), actual.topOutputs(), tolerance, "top outputs");
    for (int l = 0; l < SPEC.nlayers(); l++) {
      assertClose(expected.last().h()[l], actual.last().h()[l], tolerance, "last h of layer " + l);
      assertClose(expected.last().c()[l], actual.last().c()[l], tolerance, "last c of layer " + l);
    }
    assertTrue(expected.last().c()[0].amaxNumber().doubleValue() > 0.1, "the test's cells are not all near 0");
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
  void paddedRowsScoreAsWithTheStepLoop(DataType type) {
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, type, null, null, 31);
    Map<String, INDArray> params = net.getLayer(0).paramTable();
    int[] tokens = ids(13);
    int[] labels = ids(14);
    int[] lengths = {6, 2, 4};
    AwdLstmCore.State zeros = AwdLstmCore.State.zeros(SPEC, BATCH, type);
    double[] expected = new AwdLstmCore(SPEC, false, false).scoreRows(params, tokens, labels, lengths, STEPS, BATCH, zeros).rowNll();
    double[] actual = new AwdLstmCore(SPEC, true, false).scoreRows(params, tokens, labels, lengths, STEPS, BATCH, zeros).rowNll();
    assertArrayEquals(expected, actual, type == DataType.DOUBLE ? 1e-9 : 1e-4);
  }

  private static int[] ids(long seed) {
    return new Random(seed).ints(STEPS * BATCH, 0, SPEC.vocab()).toArray();
  }

  private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    assertTrue(diff <= tolerance, what + ": largest difference " + diff);
  }
}
