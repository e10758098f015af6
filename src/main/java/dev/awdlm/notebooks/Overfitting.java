package dev.awdlm.notebooks;

/**
 * Whether a validation curve shows clear overfitting: at the end of the budget its perplexity is at
 * least {@link #CLEAR} above its minimum. Measured at the last epoch rather than at the curve's
 * peak, so that one noisy epoch does not count as overfitting.
 *
 * @param bestEpoch the epoch of the minimum (1-based)
 * @param rise last / best - 1
 */
record Overfitting(int bestEpoch, double best, double last, double rise) {
  static final double CLEAR = 0.10;

  /** @param valPpl validation perplexity after each epoch, first epoch first */
  static Overfitting of(double[] valPpl) {
    if (valPpl.length == 0) throw new IllegalArgumentException("no epochs");
    int best = 0;
    for (int e = 1; e < valPpl.length; e++) if (valPpl[e] < valPpl[best]) best = e;
    double last = valPpl[valPpl.length - 1];
    return new Overfitting(best + 1, valPpl[best], last, last / valPpl[best] - 1);
  }

  boolean clear() {
    return rise >= CLEAR;
  }
}
