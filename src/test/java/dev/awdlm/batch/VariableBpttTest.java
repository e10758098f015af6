package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** awd-lstm-lm's window lengths, and their layout as padded, masked slots. */
class VariableBpttTest {
  @Test
  void lengthsFollowAwdLstmLmsRule() {
    Random r = new Random(1);
    int bptt = 70;
    int n = 100_000;
    int half = 0;
    double sum = 0;
    double squares = 0;
    int full = 0;
    for (int i = 0; i < n; i++) {
      int len = VariableBptt.length(bptt, 110, r);
      assertTrue(len >= 5 && len <= 110, "in [5, bptt + 40]: " + len);
      if (len < 0.75 * bptt) {
        half++;
      } else {
        full++;
        sum += len;
        squares += (double) len * len;
      }
    }
    assertEquals(0.05, half / (double) n, 0.003, "bptt/2 with probability 0.05");
    double mean = sum / full;
    assertEquals(70, mean, 0.1, "the long windows centre on bptt");
    assertEquals(5, Math.sqrt(squares / full - mean * mean), 0.1, "with a standard deviation of 5");
  }

  @Test
  void shortWindowsAreAtLeastFiveAndLongOnesAreCapped() {
    Random r = new Random(2);
    for (int i = 0; i < 10_000; i++) assertTrue(VariableBptt.length(4, 100, r) >= 5, "max(5, ...)");
    for (int i = 0; i < 10_000; i++) assertTrue(VariableBptt.length(70, 72, r) <= 72, "the cap");
  }

  @Test
  void windowsCoverTheShardExactlyAndMoveWithTheSeed() {
    List<Integer> a = VariableBptt.lengths(700, 70, 110, new Random(11));
    List<Integer> b = VariableBptt.lengths(700, 70, 110, new Random(12));
    assertEquals(700, a.stream().mapToInt(Integer::intValue).sum());
    assertEquals(700, b.stream().mapToInt(Integer::intValue).sum());
    assertNotEquals(boundaries(a), boundaries(b), "another epoch cuts the shard elsewhere");
    assertEquals(a, VariableBptt.lengths(700, 70, 110, new Random(11)), "the same seed, the same cut");
  }

  private static List<Integer> boundaries(List<Integer> lengths) {
    List<Integer> out = new ArrayList<>();
    int at = 0;
    for (int n : lengths) out.add(at += n);
    return out;
  }

  @Test
  void eachWindowFillsTheStartOfItsSlotAndTheMaskMarksIt() {
    // two streams of 7 steps: features 0..6 and 10..16, labels one ahead
    float[][] f = {{0, 1, 2, 3, 4, 5, 6}, {10, 11, 12, 13, 14, 15, 16}};
    DataSet shard = new DataSet(Nd4j.createFromArray(f).reshape(2, 1, 7).castTo(DataType.FLOAT),
        Nd4j.createFromArray(f).addi(1).reshape(2, 1, 7).castTo(DataType.FLOAT));
    DataSet padded = VariableBptt.padded(shard, List.of(4, 3), 5);
    assertEquals(List.of(2L, 1L, 10L), List.of(padded.getFeatures().shape()[0], padded.getFeatures().shape()[1],
        padded.getFeatures().shape()[2]));
    float[] row1 = padded.getFeatures().slice(1).dup().data().asFloat();
    assertEquals("[10.0, 11.0, 12.0, 13.0, 0.0, 14.0, 15.0, 16.0, 0.0, 0.0]", java.util.Arrays.toString(row1));
    float[] labels0 = padded.getLabels().slice(0).dup().data().asFloat();
    assertEquals("[1.0, 2.0, 3.0, 4.0, 0.0, 5.0, 6.0, 7.0, 0.0, 0.0]", java.util.Arrays.toString(labels0));
    for (int row = 0; row < 2; row++) {
      assertEquals("[1.0, 1.0, 1.0, 1.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]",
          java.util.Arrays.toString(padded.getFeaturesMaskArray().getRow(row).dup().data().asFloat()));
    }
    assertEquals(padded.getFeaturesMaskArray(), padded.getLabelsMaskArray());
  }
}
