package dev.awdlm.config;

/**
 * Scheduled retraining ({@code awdlm retrain}).
 *
 * @param epochs epochs a challenger trains, warm-started from the champion
 * @param minImprovement relative validation-perplexity gain a challenger needs to be promoted:
 *     {@code (champion - challenger) / champion >= minImprovement}
 * @param leaseTtlSeconds how long a registry lease holds without renewal; a crashed retrain's lease
 *     is taken over after this
 */
public record RetrainConfig(int epochs, double minImprovement, int leaseTtlSeconds) {
  public RetrainConfig {
    Check.positive("retrain.epochs", epochs);
    if (!(minImprovement >= 0 && minImprovement < 1)) throw new ConfigError("retrain.minImprovement", minImprovement, "must be in [0, 1)");
    Check.positive("retrain.leaseTtlSeconds", leaseTtlSeconds);
  }
}
