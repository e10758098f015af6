package dev.awdlm.train;

import java.util.List;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Non-monotonically triggered averaged SGD (Merity et al. 2017, as in awd-lstm-lm's main.py):
 * train with SGD until validation stops improving, then keep a running average of the iterates,
 * which becomes the model. In awdlm the iterates are the parameters after each averaging round,
 * averaged on the driver.
 */
public final class NtAsgd {
  private INDArray average;
  private long count;
  private int triggerEpoch;

  /**
   * awd-lstm-lm switches when {@code len(history) > nonmono and current > min(history[:-nonmono])}:
   * the current validation figure is worse than the best one from before the last
   * {@code nonmono} epochs.
   *
   * @param history validation figures of the previous epochs (lower is better), oldest first
   */
  public static boolean shouldTrigger(List<Double> history, double current, int nonmono) {
    if (history.size() <= nonmono) return false;
    double best = Double.POSITIVE_INFINITY;
    for (int i = 0; i < history.size() - nonmono; i++) best = Math.min(best, history.get(i));
    return current > best;
  }

  /** Restores a state saved by a checkpoint; {@code average} null means not yet triggered. */
  public static NtAsgd restore(INDArray average, long count, int triggerEpoch) {
    NtAsgd n = new NtAsgd();
    n.average = average;
    n.count = count;
    n.triggerEpoch = triggerEpoch;
    return n;
  }

  public boolean active() {
    return triggerEpoch > 0;
  }

  /** Averaging starts with the iterates after {@code epoch}. */
  public void trigger(int epoch) {
    if (!active()) triggerEpoch = epoch;
  }

  public int triggerEpoch() {
    return triggerEpoch;
  }

  /** Adds one iterate to the running mean (a no-op before the trigger). */
  public void add(INDArray params) {
    if (!active()) return;
    if (average == null) {
      average = params.dup().detach();
      count = 1;
      return;
    }
    count++;
    // avg += (p - avg) / k: exact running mean without storing a sum that could overflow float range
    average.addi(params.sub(average).divi(count));
  }

  /** The averaged parameters, or null before any iterate was averaged. */
  public INDArray average() {
    return average;
  }

  public long count() {
    return count;
  }
}
