package dev.awdlm.train;

/**
 * Training diverged and the divergence guard gave up: every rollback, each at half the previous
 * learning rate, diverged again. No model is saved.
 */
public final class TrainingDivergedException extends RuntimeException {
  private final int epoch;
  private final double valPpl;

  /** @param valPpl the last attempt's validation perplexity, NaN when it did not get that far */
  TrainingDivergedException(String message, int epoch, double valPpl) {
    super(message);
    this.epoch = epoch;
    this.valPpl = valPpl;
  }

  public int epoch() {
    return epoch;
  }

  public double valPpl() {
    return valPpl;
  }
}
