package dev.awdlm.batch;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * awd-lstm-lm's variable-length BPTT, cut at training time from an exported shard of contiguous
 * streams. Each window's length is drawn as awd-lstm-lm's {@code main.py} draws it; a shard is
 * re-cut every epoch with fresh lengths, so window boundaries move and a token is not always
 * trained at the same position. DL4J's truncated BPTT takes windows of one fixed length, so each
 * window is laid out in a slot of the longest possible length, its tokens first and then padding,
 * with a mask of 1 on its tokens: the AWD-LSTM layer computes only the masked-in steps and carries
 * its state on from the last of them.
 */
public final class VariableBptt {
  /** awd-lstm-lm: no window is shorter than this (except a shard's last, which takes what is left). */
  static final int MIN_LENGTH = 5;
  static final double HALF_BPTT_PROBABILITY = 0.05;
  static final double SIGMA = 5;

  private VariableBptt() {}

  /**
   * One window's length: {@code bptt' = bptt} with probability 0.95, else {@code bptt / 2};
   * {@code max(5, round(N(bptt', 5)))}, at most {@code maxLength}.
   */
  public static int length(int bptt, int maxLength, Random random) {
    double mean = random.nextDouble() < HALF_BPTT_PROBABILITY ? bptt / 2.0 : bptt;
    long drawn = Math.round(mean + SIGMA * random.nextGaussian());
    return (int) Math.min(maxLength, Math.max(MIN_LENGTH, drawn));
  }

  /** Lengths of consecutive windows that cover {@code steps} exactly; the last one takes what is left. */
  public static List<Integer> lengths(int steps, int bptt, int maxLength, Random random) {
    List<Integer> out = new ArrayList<>();
    for (int done = 0; done < steps; ) {
      int n = Math.min(length(bptt, maxLength, random), steps - done);
      out.add(n);
      done += n;
    }
    return out;
  }

  /**
   * The shard's {@code [rows, 1, steps]} features and labels as consecutive windows of the given
   * lengths, each in a slot of {@code slot} steps: tokens, then zeros; the mask ({@code [rows,
   * windows * slot]}, features and labels alike) is 1 on the tokens.
   */
  public static DataSet padded(DataSet shard, List<Integer> lengths, int slot) {
    INDArray features = shard.getFeatures();
    long rows = features.size(0);
    int windows = lengths.size();
    INDArray f = Nd4j.zeros(features.dataType(), rows, 1, (long) windows * slot);
    INDArray l = Nd4j.zeros(shard.getLabels().dataType(), rows, 1, (long) windows * slot);
    INDArray mask = Nd4j.zeros(DataType.FLOAT, rows, (long) windows * slot);
    long from = 0;
    for (int k = 0; k < windows; k++) {
      int n = lengths.get(k);
      if (n > slot) throw new IllegalArgumentException("a window of " + n + " steps in a slot of " + slot);
      long at = (long) k * slot;
      f.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(at, at + n))
          .assign(features.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + n)));
      l.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(at, at + n))
          .assign(shard.getLabels().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, from + n)));
      mask.get(NDArrayIndex.all(), NDArrayIndex.interval(at, at + n)).assign(1);
      from += n;
    }
    if (from != features.size(2)) throw new IllegalArgumentException("windows of " + from + " steps for a shard of " + features.size(2));
    return new DataSet(f, l, mask, mask);
  }
}
