package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.ModelConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stock LSTMs sized to the tied AWD-LSTM's parameter count, on a small vocabulary. */
class ParameterMatchTest {
  private static final int VOCAB = 300;

  @Test
  void theMatchedStockLstmHasTheAwdLstmsParameterCountAndTheClosestOne() {
    AwdlmConfig awd = ConfigLoader.load(null, List.of("model.kind=awd-lstm", "model.emsize=32", "model.nhid=32",
        "model.nlayers=2", "model.tied=true", "train.optimizer=adam", "train.lr=0.005"));
    long target = ParameterMatch.count(awd.model(), awd.train(), VOCAB);
    int h = ParameterMatch.stockSize(target, 2, awd.train(), VOCAB);
    long matched = ParameterMatch.count(ParameterMatch.stock(h, 2, 0), awd.train(), VOCAB);
    long smaller = ParameterMatch.count(ParameterMatch.stock(h - 1, 2, 0), awd.train(), VOCAB);
    long larger = ParameterMatch.count(ParameterMatch.stock(h + 1, 2, 0), awd.train(), VOCAB);
    assertTrue(Math.abs(matched - target) <= Math.abs(smaller - target), h + ": " + matched + " " + smaller + " " + target);
    assertTrue(Math.abs(matched - target) <= Math.abs(larger - target), h + ": " + matched + " " + larger + " " + target);
    assertTrue(Math.abs(matched - target) < 0.02 * target, matched + " against " + target);
    // what the match prevents: the untied stock LSTM at the AWD-LSTM's own sizes is far bigger
    long unmatched = ParameterMatch.count(ParameterMatch.stock(32, 2, 0), awd.train(), VOCAB);
    assertTrue(unmatched > 1.3 * target, unmatched + " against " + target);
    assertTrue(ModelConfig.Kind.LSTM.equals(ParameterMatch.stock(h, 2, 0).kind()));
  }
}
