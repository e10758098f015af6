package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@link AwdLstmCore#scoreRows}: rows padded to a common length, each summed over its own real
 * steps, equal each row scored alone at its own length; and the state it returns carries a full
 * row into its next window exactly.
 */
class AwdLstmRowScoringTest {
  private static final AwdLstmSpec SPEC = AwdLstmNets.spec(13, 6, 7, 2, false);
  private final MultiLayerNetwork net = AwdLstmNets.net(SPEC, DataType.DOUBLE, null, null, 17);
  private final Map<String, INDArray> params = net.getLayer(0).paramTable();
  private final AwdLstmCore core = new AwdLstmCore(SPEC);

  @Test
  void paddedRowsScoreAsEachRowAlone() {
    Random r = new Random(3);
    int[] lengths = {5, 2, 4, 1};
    int batch = lengths.length;
    int steps = 5;
    int[][] in = new int[batch][steps];
    int[][] out = new int[batch][steps];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) {
        in[b][t] = r.nextInt(SPEC.vocab());
        out[b][t] = r.nextInt(SPEC.vocab()); // beyond a row's length: padding that must not count
      }
    }
    AwdLstmCore.Pass pass = core.scoreRows(params, timeMajor(in), timeMajor(out), lengths, steps, batch, zeros(batch));
    double total = 0;
    for (int b = 0; b < batch; b++) {
      int n = lengths[b];
      double alone = core.score(params, java.util.Arrays.copyOf(in[b], n), java.util.Arrays.copyOf(out[b], n), n, 1, zeros(1))
          .nllSum();
      assertEquals(alone, pass.rowNll()[b], 1e-12 * alone, "row " + b);
      total += alone;
    }
    assertEquals(total, pass.nllSum(), 1e-12 * total, "the batch's sum counts real steps only");
    double all = core.score(params, timeMajor(in), timeMajor(out), steps, batch, zeros(batch)).nllSum();
    assertNotEquals(all, pass.nllSum(), 1e-6, "the padding would have changed the sum");
  }

  @Test
  void theLastStateCarriesAFullRowIntoItsNextWindow() {
    Random r = new Random(5);
    int[] tokens = new int[7];
    int[] labels = new int[7];
    for (int t = 0; t < 7; t++) {
      tokens[t] = r.nextInt(SPEC.vocab());
      labels[t] = r.nextInt(SPEC.vocab());
    }
    double whole = core.score(params, tokens, labels, 7, 1, zeros(1)).nllSum();
    AwdLstmCore.Pass first = core.scoreRows(params, java.util.Arrays.copyOf(tokens, 4), java.util.Arrays.copyOf(labels, 4),
        new int[] {4}, 4, 1, zeros(1));
    AwdLstmCore.Pass second = core.scoreRows(params, java.util.Arrays.copyOfRange(tokens, 4, 7),
        java.util.Arrays.copyOfRange(labels, 4, 7), new int[] {3}, 3, 1, first.last());
    assertEquals(whole, first.rowNll()[0] + second.rowNll()[0], 1e-12 * whole);
  }

  private AwdLstmCore.State zeros(int batch) {
    return AwdLstmCore.State.zeros(SPEC, batch, DataType.DOUBLE);
  }

  private static int[] timeMajor(int[][] rows) {
    int batch = rows.length;
    int steps = rows[0].length;
    int[] out = new int[batch * steps];
    for (int b = 0; b < batch; b++) for (int t = 0; t < steps; t++) out[t * batch + b] = rows[b][t];
    return out;
  }
}
