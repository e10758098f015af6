package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ablation's variants as configs over the notebook's own sizes. */
class AblationNotebookTest {
  private static final List<String> SHARED = List.of("model.emsize=128", "model.nhid=256", "model.nlayers=2", "train.optimizer=adam");

  private static AwdlmConfig variant(String id) {
    List<String> all = new ArrayList<>(SHARED);
    all.addAll(AblationNotebook.VARIANTS.stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow().overrides());
    return ConfigLoader.load(null, all);
  }

  @Test
  void awdVariantIsThePtbRegularizationOnTheNotebooksSizes() {
    AwdlmConfig awd = variant("awd");
    assertEquals(ModelConfig.AWD_LSTM, awd.model().kind());
    assertEquals(128, awd.model().emsize());
    assertEquals(2, awd.model().nlayers());
    assertEquals(0.65, awd.model().dropouti());
    assertEquals(0.5, awd.model().wdrop());
    assertEquals(2, awd.train().alpha());
    assertEquals(1.2e-6, awd.train().wdecay());
  }

  @Test
  void noneVariantHasNoRegularizationAtAll() {
    AwdlmConfig none = variant("none");
    assertEquals(0, none.model().dropouti());
    assertEquals(0, none.model().wdrop());
    assertEquals(0, none.train().alpha());
    assertEquals(0, none.train().wdecay());
  }
}
