package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.RunLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Where a train starts, and what a checkpoint carries over to a resumed run. No Spark. */
class ProgressTest {
  private static final int VOCAB = 20;
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();
  private final AwdlmConfig config = ConfigLoader.load(null, List.of("model.emsize=4", "model.nhid=6", "model.nlayers=1",
      "model.tied=false", "train.lr=8"));
  private RunLayout layout;

  @BeforeEach
  void layout() {
    layout = RunLayout.of(new org.apache.hadoop.fs.Path(tmp.toUri()), "r");
  }

  private Progress begin(Trainer.Start start) {
    return Progress.begin(config, layout, VOCAB, start, new LearningRateSchedule(config.train(), 1), conf);
  }

  /** A run after two epochs, one rollback and NT-ASGD's trigger, checkpointed under {@code hash}. */
  private Progress checkpointed(String hash) {
    Progress p = begin(Trainer.Start.FRESH);
    p.schedule.halve();
    p.rollbacks = 1;
    p.asgd.trigger(1);
    p.asgd.add(p.net.params().mul(3));
    p.valHistory.addAll(List.of(90.0, 80.0));
    p.epochs.add(new EpochMetrics(1, 8, 5.0, Math.exp(5), 90, 7, 100, false, 0, 700, 1, List.of()));
    p.epochs.add(new EpochMetrics(2, 4, 4.0, Math.exp(4), 80, 6, 110, true, 1, 700, 1, List.of()));
    p.bestValPpl = 80;
    p.bestEpoch = 2;
    p.trainSeconds = 13;
    Checkpoints.write(layout, p.state(2, hash), p.net, p.asgd.average(), conf);
    return p;
  }

  @Test
  void aResumeRestoresEverythingTheCheckpointSaved() {
    Progress before = checkpointed(config.hash());
    Progress resumed = begin(new Trainer.Start(true, false));
    assertEquals(before.state(2, config.hash()), resumed.state(2, config.hash()));
    assertEquals(before.asgd.average(), resumed.asgd.average());
    assertEquals(before.net.params(), resumed.net.params());
    assertEquals(2, resumed.epochsDone);
    assertEquals(3, resumed.firstEpochThisRun);
    assertEquals(4, resumed.schedule.rate(1), "the checkpoint's halving");
  }

  @Test
  void aFreshTrainRefusesARunThatHasCheckpoints() {
    checkpointed(config.hash());
    ConfigError e = assertThrows(ConfigError.class, () -> begin(Trainer.Start.FRESH));
    assertEquals("--run-id", e.key());
    assertTrue(e.getMessage().contains("--resume r"), e.getMessage());
  }

  @Test
  void aResumeUnderAnotherConfigNeedsForce() {
    checkpointed("0123456789abcdef");
    ConfigError e = assertThrows(ConfigError.class, () -> begin(new Trainer.Start(true, false)));
    assertTrue(e.getMessage().contains("0123456789ab") && e.getMessage().contains("--force"), e.getMessage());
    assertEquals(2, begin(new Trainer.Start(true, true)).epochsDone, "forced: continues under the new config");
  }

  @Test
  void aResumeWhoseCheckpointsAreAllUnreadableStartsOverOnlyWithForce() throws Exception {
    checkpointed(config.hash());
    Files.writeString(tmp.resolve("r/checkpoints/epoch-0002/state.json"), "{");
    ConfigError e = assertThrows(ConfigError.class, () -> begin(new Trainer.Start(true, false)));
    assertTrue(e.getMessage().contains("epoch-0002") && e.getMessage().contains("--force"), e.getMessage());
    Progress forced = begin(new Trainer.Start(true, true));
    assertEquals(0, forced.epochsDone);
    assertEquals(1, forced.firstEpochThisRun);
  }

  @Test
  void aResumeWithoutCheckpointsStartsAtEpochOne() {
    Progress p = begin(new Trainer.Start(true, false));
    assertEquals(0, p.epochsDone);
    assertEquals(1, p.firstEpochThisRun);
  }

  @Test
  void aWarmStartTrainsFromTheGivenParametersOfTheSameModel() {
    INDArray fresh = begin(Trainer.Start.FRESH).net.params();
    INDArray warm = fresh.mul(2);
    assertEquals(warm, begin(new Trainer.Start(false, false, warm)).net.params());
    ConfigError e = assertThrows(ConfigError.class, () -> begin(new Trainer.Start(false, false, Nd4j.zeros(5))));
    assertEquals("model", e.key());
  }
}
