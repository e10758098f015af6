package dev.awdlm.train;

import dev.awdlm.config.TrainConfig;

/**
 * The one place awdlm computes a learning rate: {@code train.lr}, divided by 10 after each
 * {@code train.when} epoch, scaled for the workers by {@code train.lrScaling}, and halved by the
 * divergence guard at each rollback.
 */
public final class LearningRateSchedule {
  private final TrainConfig t;
  private final int workers;
  private double scale = 1;

  /** The schedule of a run that trains on {@code workers} parameter-averaging workers. */
  public LearningRateSchedule(TrainConfig t, int workers) {
    this.t = t;
    this.workers = workers;
  }

  /**
   * The rate a network's updater is built with: {@code train.lr}, before any decay, scaling or
   * halving. Training replaces it with {@link #rate} before each epoch; the benchmarks train at it.
   */
  public static double initial(TrainConfig t) {
    return t.lr();
  }

  /** The rate for a 1-based {@code epoch}. */
  public double rate(int epoch) {
    double rate = t.lr();
    for (int decayAfter : t.when()) {
      if (epoch > decayAfter) rate /= 10;
    }
    return scaled(rate) * scale;
  }

  /**
   * Averaging K workers' parameters applies 1/K of each worker's update, which Goyal et al.'s
   * linear rule makes up for; capped, it never goes above {@code train.lr}, the rate a single
   * worker's steps are known to take.
   */
  private double scaled(double rate) {
    return switch (t.lrScaling()) {
      case NONE -> rate;
      case LINEAR -> rate * workers;
      case LINEAR_CAPPED -> Math.min(rate * workers, t.lr());
    };
  }

  /** The divergence guard's rollback: every later rate is half what it would have been. */
  void halve() {
    scale /= 2;
  }

  /** Product of the halvings so far, which a checkpoint saves. */
  double scale() {
    return scale;
  }

  /** Restores the halvings a checkpoint saved. */
  void restoreScale(double scale) {
    this.scale = scale;
  }
}
