package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.model.AwdLstmSpec;
import dev.awdlm.model.LanguageModels;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The FLOP formula on a case worked by hand, for the AWD-LSTM and for the DL4J stacks built at its widths. */
class TrainingFlopsTest {
  // V = 5, emsize 2, nhid 3, 2 layers. Tied: layers 2->3 and 3->2, decoder 2x5. Multiply-adds per
  // token: 4*3*(2+3) = 60, 4*2*(3+2) = 40, 2*5 = 10: 110; training 3 passes x 2 FLOPs: 660.
  // Untied: layers 2->3 and 3->3, decoder 3x5: 60 + 4*3*(3+3) = 72 + 15 = 147 multiply-adds: 882.
  private static AwdlmConfig config(boolean tied) {
    return ConfigLoader.load(null, List.of("model.emsize=2", "model.nhid=3", "model.nlayers=2", "model.tied=" + tied,
        "model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65"));
  }

  @Test
  void awdLstmCountsEachLayersGemmsAndTheDecoder() {
    AwdlmConfig c = config(true);
    assertEquals(660.0, TrainingFlops.of(AwdLstmSpec.of(c.model(), c.train(), 5)).perToken());
    AwdlmConfig untied = config(false);
    assertEquals(882.0, TrainingFlops.of(AwdLstmSpec.of(untied.model(), untied.train(), 5)).perToken());
  }

  @Test
  void stockStacksAreCountedFromTheirOwnLayers() {
    AwdlmConfig c = config(true);
    assertEquals(660.0, TrainingFlops.of(LanguageModels.stockBaseline(c.model(), c.train(), 5, 1)).perToken(),
        "the baseline has the tied AWD-LSTM's FLOPs");
    AwdlmConfig untied = config(false);
    assertEquals(882.0, TrainingFlops.of(LanguageModels.stockLstm(untied.model(), untied.train(), 5, 1)).perToken());
  }
}
