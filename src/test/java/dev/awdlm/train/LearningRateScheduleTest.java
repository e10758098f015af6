package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Every learning rate awdlm uses: the {@code when} decays, {@code train.lrScaling}, and the divergence guard's halvings. */
class LearningRateScheduleTest {

  private static TrainConfig train(String... overrides) {
    return ConfigLoader.load(null, List.of(overrides)).train();
  }

  private static double rate(TrainConfig t, int epoch, int workers) {
    return new LearningRateSchedule(t, workers).rate(epoch);
  }

  // The three tests below moved here from ConfigLoaderTest, with TrainConfig.learningRate.
  @Test
  void learningRateDecaysAfterWhenEpochs() {
    TrainConfig t = train("train.lr=30", "train.when=[2, 4]");
    assertEquals(30, rate(t, 1, 2));
    assertEquals(30, rate(t, 2, 2));
    assertEquals(3, rate(t, 3, 2), 1e-12);
    assertEquals(0.3, rate(t, 5, 2), 1e-12);
  }

  @Test
  void linearLrScalingMultipliesByTheWorkersBeforeTheDecays() {
    TrainConfig t = train("train.lr=30", "train.when=[2]", "train.lrScaling=linear");
    assertEquals(30, rate(t, 1, 1));
    assertEquals(60, rate(t, 1, 2));
    assertEquals(6, rate(t, 3, 2), 1e-12);
    assertEquals(12, rate(t, 3, 4), 1e-12);
  }

  @Test
  void cappedLrScalingNeverExceedsTheBaseRate() {
    TrainConfig t = train("train.lr=30", "train.when=[2, 3]", "train.lrScaling=linear-capped");
    assertEquals(30, rate(t, 1, 2));
    assertEquals(6, rate(t, 3, 2), 1e-12);
    assertEquals(30, rate(t, 3, 16), 1e-12);
    assertEquals(0.6, rate(t, 4, 2), 1e-12);
  }

  @Test
  void eachRollbackHalvesEveryLaterRateOnTopOfTheDecaysAndScaling() {
    LearningRateSchedule s = new LearningRateSchedule(train("train.lr=30", "train.when=[2]", "train.lrScaling=linear"), 2);
    s.halve();
    assertEquals(30, s.rate(1), 1e-12);
    s.halve();
    assertEquals(15, s.rate(1), 1e-12);
    assertEquals(1.5, s.rate(3), 1e-12);
    assertEquals(0.25, s.scale());
  }

  @Test
  void aResumedRunContinuesWithTheHalvingsItsCheckpointSaved() {
    LearningRateSchedule s = new LearningRateSchedule(train("train.lr=8"), 1);
    s.restoreScale(0.125);
    assertEquals(1, s.rate(1), 1e-12);
    s.halve();
    assertEquals(0.5, s.rate(1), 1e-12);
  }

  @Test
  void aNetworkIsBuiltAtTheBaseRateWhateverTheDecaysAndScaling() {
    assertEquals(0.5, LearningRateSchedule.initial(train("train.lr=0.5", "train.when=[1]", "train.lrScaling=linear")));
  }
}
