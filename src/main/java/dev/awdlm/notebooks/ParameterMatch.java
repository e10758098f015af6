package dev.awdlm.notebooks;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.model.LanguageModels;

/**
 * Sizes the regularization ablation's stock LSTMs so that they have as many parameters as its
 * tied AWD-LSTM. Zaremba et al.'s architecture is untied (its decoder is a second vocabulary-sized
 * matrix), so at the AWD-LSTM's own sizes it would have nearly twice the parameters, and a win
 * could be the parameters' rather than the regularization's. Counts come from the networks
 * themselves, as built for training.
 */
final class ParameterMatch {
  private ParameterMatch() {}

  /** The trainable parameters of {@code model} over a vocabulary of {@code vocab}. */
  static long count(ModelConfig model, TrainConfig train, int vocab) {
    return LanguageModels.of(model, train, vocab, train.lr()).numParams();
  }

  /** A stock LSTM of {@code nlayers} layers, embedding and hidden size {@code h}, no dropout. */
  static ModelConfig stock(int h, int nlayers, double dropout) {
    return new ModelConfig(h, h, nlayers, dropout, 0, 0, 0, 0, false, ModelConfig.Kind.LSTM);
  }

  /**
   * The size {@code h} of the {@link #stock} LSTM whose count is closest to {@code target}; the
   * count grows with {@code h}, so a bisection finds it.
   */
  static int stockSize(long target, int nlayers, TrainConfig train, int vocab) {
    int hi = 1;
    while (count(stock(hi, nlayers, 0), train, vocab) < target) hi *= 2;
    int lo = Math.max(1, hi / 2);
    while (lo < hi) { // the smallest h whose count reaches the target
      int mid = (lo + hi) / 2;
      if (count(stock(mid, nlayers, 0), train, vocab) < target) lo = mid + 1;
      else hi = mid;
    }
    if (lo == 1) return 1;
    long above = count(stock(lo, nlayers, 0), train, vocab) - target;
    long below = target - count(stock(lo - 1, nlayers, 0), train, vocab);
    return below < above ? lo - 1 : lo;
  }
}
