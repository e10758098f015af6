package dev.awdlm.model;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.random.impl.BernoulliDistribution;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The three mask shapes of AWD-LSTM (Merity et al. 2017), as inverted dropout: a kept entry is
 * 1/(1-p), a dropped one 0, so expectations are unchanged and evaluation needs no rescaling. All
 * draw from ND4J's global RNG, so resetting its seed reproduces them (gradient checks rely on it).
 * Each returns null for p = 0: no mask, no cost.
 */
public final class Dropouts {
  private Dropouts() {}

  /**
   * Locked (variational) dropout: one mask per example and feature, {@code [batch, features]},
   * shared by every time step of the sequence it is applied to.
   */
  public static INDArray locked(int batch, int features, double p, DataType type) {
    return bernoulli(new long[] {batch, features}, p, type);
  }

  /** Embedding dropout: one entry per vocabulary row, {@code [vocab, 1]}; a dropped word is dropped everywhere. */
  public static INDArray rows(int vocab, double p, DataType type) {
    return bernoulli(new long[] {vocab, 1}, p, type);
  }

  /** Weight drop: one mask over a whole matrix, shared by all examples and time steps. */
  public static INDArray weights(long rows, long cols, double p, DataType type) {
    return bernoulli(new long[] {rows, cols}, p, type);
  }

  private static INDArray bernoulli(long[] shape, double p, DataType type) {
    if (p <= 0) return null;
    if (p >= 1) throw new IllegalArgumentException("dropout probability must be < 1: " + p);
    INDArray mask = Nd4j.createUninitialized(type, shape);
    Nd4j.getExecutioner().exec(new BernoulliDistribution(mask, 1 - p));
    return mask.divi(1 - p);
  }
}
