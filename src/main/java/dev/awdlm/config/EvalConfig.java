package dev.awdlm.config;

import java.util.List;

/**
 * How a trained model is evaluated (awd-lstm-lm's test protocol and its cache pointer). Not part of
 * a run's config hash: changing it never stops a run from resuming.
 *
 * @param testBatchSize streams the test split is scored as, each with its state carried through
 *     (awd-lstm-lm's {@code test_batch_size = 1})
 * @param warmupTokens when a stream is cut into chunks for several tasks, each chunk but the first
 *     first runs over this many tokens before it, unscored, so its state (and the pointer's memory)
 *     is close to a single pass's; 0 means {@code 2 * train.bptt}
 * @param pointer the continuous cache pointer
 */
public record EvalConfig(int testBatchSize, int warmupTokens, Pointer pointer) {
  public EvalConfig {
    Check.positive("eval.testBatchSize", testBatchSize);
    Check.nonNegative("eval.warmupTokens", warmupTokens);
    if (pointer == null) throw new ConfigError("eval.pointer", "missing");
  }

  /** The warm-up in tokens: {@link #warmupTokens}, or twice the BPTT length when 0; at least the pointer's window when it is on. */
  public int warmup(int bptt, boolean withPointer) {
    int tokens = warmupTokens > 0 ? warmupTokens : 2 * bptt;
    return withPointer ? Math.max(tokens, pointer.window()) : tokens;
  }

  /**
   * Grave et al.'s continuous cache pointer, as awd-lstm-lm's {@code pointer.py}.
   *
   * @param enabled {@code pipeline} and {@code evaluate --run-id} also report perplexity with it
   * @param window steps of (state, next token) pairs it remembers
   * @param theta sharpness of its attention over the remembered states
   * @param lambda weight of the pointer's distribution in the mixture with the model's
   * @param thetaGrid and {@code lambdaGrid}: the values {@code evaluate --tune-pointer} tries on
   *     the validation split
   */
  public record Pointer(boolean enabled, int window, double theta, double lambda, List<Double> thetaGrid,
      List<Double> lambdaGrid) {
    public Pointer {
      Check.positive("eval.pointer.window", window);
      Check.nonNegative("eval.pointer.theta", theta);
      if (!(lambda >= 0 && lambda < 1)) throw new ConfigError("eval.pointer.lambda", lambda, "must be in [0, 1)");
      thetaGrid = grid("eval.pointer.thetaGrid", thetaGrid, Double.POSITIVE_INFINITY);
      lambdaGrid = grid("eval.pointer.lambdaGrid", lambdaGrid, 1);
    }

    private static List<Double> grid(String key, List<Double> values, double below) {
      if (values == null || values.isEmpty()) throw new ConfigError(key, values, "must list at least one value");
      for (double v : values) {
        if (!(v >= 0 && v < below) || Double.isInfinite(v)) throw new ConfigError(key, values, "values must be finite, >= 0 and < " + below);
      }
      return List.copyOf(values);
    }
  }
}
