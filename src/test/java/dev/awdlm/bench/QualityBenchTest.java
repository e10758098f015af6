package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.TrainConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class QualityBenchTest {
  /** A user's config that the preset and the bench must override. */
  private static final List<String> USER = List.of("model.emsize=16", "train.batchSize=3", "train.workers=5", "train.lr=0.1",
      "train.averagingFrequency=1", "data.vocabSize=500");

  private static TrainConfig train(QualityBench.Options options, int workers) {
    return ConfigLoader.load(null, QualityBench.overrides(options, USER, workers)).train();
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("--epochs", assertThrows(ConfigError.class, () -> new QualityBench.Options(0, false, true, "none", "averaging", "s")).key());
    ConfigError anneal = assertThrows(ConfigError.class, () -> new QualityBench.Options(1, true, true, "none", "averaging", "s"));
    assertEquals("--epochs", anneal.key());
    assertTrue(anneal.getMessage().contains("--no-anneal"), anneal.getMessage());
    assertEquals(1, new QualityBench.Options(1, false, true, "none", "averaging", "s").epochs());
  }

  @Test
  void sharingRunsTrainWithGradientSharingAndCannotAnneal() {
    ConfigError anneal = assertThrows(ConfigError.class, () -> new QualityBench.Options(3, true, true, "none", "sharing", "s"));
    assertEquals("--anneal", anneal.key());
    assertTrue(anneal.getMessage().contains("--no-anneal"), anneal.getMessage());
    TrainConfig t = train(new QualityBench.Options(3, false, true, "none", "sharing", "s"), 2);
    assertEquals(TrainConfig.Sync.SHARING, t.sync());
    assertEquals(10, t.batchSize(), "the global batch is held under sharing too");
    assertEquals(TrainConfig.Sync.AVERAGING, train(new QualityBench.Options(3, false, true, "none", "averaging", "s"), 2).sync());
  }

  @Test
  void holdingTheGlobalBatchSplitsTwentyStreamsOverTheWorkers() {
    QualityBench.Options held = new QualityBench.Options(3, true, true, "linear", "averaging", "s");
    assertEquals(20, train(held, 1).batchSize());
    assertEquals(10, train(held, 2).batchSize());
    assertEquals(2, train(held, 2).workers());
    assertEquals(20, train(new QualityBench.Options(3, true, false, "none", "averaging", "s"), 2).batchSize());
  }

  @Test
  void runsAreThePtbSmallPresetAnnealedInTheLastEpochOverTheUsersCorpus() {
    TrainConfig annealed = train(new QualityBench.Options(3, true, true, "linear", "averaging", "s"), 1);
    assertEquals(List.of(2), annealed.when());
    assertEquals(3, annealed.epochs());
    assertEquals(5, annealed.averagingFrequency());
    assertEquals(30, annealed.lr());
    assertEquals(TrainConfig.LrScaling.LINEAR, annealed.lrScaling());
    assertEquals(List.of(), train(new QualityBench.Options(3, false, true, "none", "averaging", "s"), 1).when());
    var config = ConfigLoader.load(null, QualityBench.overrides(new QualityBench.Options(2, true, true, "none", "averaging", "s"), USER, 1));
    assertEquals(200, config.model().emsize());
    assertEquals(500, config.data().vocabSize(), "what the preset does not set stays the user's");
  }

  @Test
  void verdictAcceptsTwoWorkersWithinFivePercentEitherWay() {
    QualityBench.Verdict close = QualityBench.Verdict.of(150, 156);
    assertEquals(1.04, close.ratio(), 1e-12);
    assertTrue(close.meetsTarget());
    assertTrue(QualityBench.Verdict.of(150, 143).meetsTarget());
    assertFalse(QualityBench.Verdict.of(150, 159).meetsTarget(), "6% behind");
    assertFalse(QualityBench.Verdict.of(150, 140).meetsTarget(), "7% ahead is as suspect as behind");
  }
}
