package dev.awdlm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The presets against awd-lstm-lm's PTB settings, each applied over a config that disagrees with every key. */
class PresetsTest {
  /** A value other than the preset's for every key a preset sets. */
  private static final List<String> UNLIKE_PTB = List.of("model.kind=lstm", "model.emsize=16", "model.nhid=24", "model.nlayers=1",
      "model.tied=false", "model.dropout=0", "model.dropouth=0", "model.dropouti=0", "model.dropoute=0", "model.wdrop=0",
      "train.alpha=0", "train.beta=0", "train.wdecay=0", "train.optimizer=adam", "train.lr=0.002", "train.clip=1", "train.bptt=5",
      "train.batchSize=3");

  private static AwdlmConfig over(List<String> preset) {
    List<String> all = new ArrayList<>(UNLIKE_PTB);
    all.addAll(preset);
    return ConfigLoader.load(null, all);
  }

  private static void assertPtbRegularization(AwdlmConfig c) {
    assertEquals(0.4, c.model().dropout());
    assertEquals(0.3, c.model().dropouth());
    assertEquals(0.65, c.model().dropouti());
    assertEquals(0.1, c.model().dropoute());
    assertEquals(0.5, c.model().wdrop());
    assertEquals(2, c.train().alpha());
    assertEquals(1, c.train().beta());
    assertEquals(1.2e-6, c.train().wdecay());
  }

  private static void assertPtbOptimisation(AwdlmConfig c) {
    assertEquals(ModelConfig.Kind.AWD_LSTM, c.model().kind());
    assertEquals(3, c.model().nlayers());
    assertTrue(c.model().tied());
    assertEquals(TrainConfig.Optimizer.SGD, c.train().optimizer());
    assertEquals(30, c.train().lr());
    assertEquals(0.25, c.train().clip());
    assertEquals(20, c.train().batchSize());
  }

  @Test
  void smallIsThe200By400ModelAtBptt35() {
    AwdlmConfig c = over(Presets.PTB_SMALL);
    assertEquals(200, c.model().emsize());
    assertEquals(400, c.model().nhid());
    assertEquals(35, c.train().bptt());
    assertPtbRegularization(c);
    assertPtbOptimisation(c);
  }

  @Test
  void fullIsAwdLstmLmsPtbModelAtBptt70() {
    AwdlmConfig c = over(Presets.PTB_FULL);
    assertEquals(400, c.model().emsize());
    assertEquals(1150, c.model().nhid());
    assertEquals(70, c.train().bptt());
    assertPtbRegularization(c);
    assertPtbOptimisation(c);
  }

  @Test
  void regularizationAloneLeavesSizesAndOptimiserAsTheyWere() {
    AwdlmConfig c = over(Presets.PTB_REGULARIZATION);
    assertPtbRegularization(c);
    assertEquals(16, c.model().emsize());
    assertEquals(1, c.model().nlayers());
    assertEquals(TrainConfig.Optimizer.ADAM, c.train().optimizer());
    assertEquals(5, c.train().bptt());
    assertEquals(3, c.train().batchSize());
  }
}
