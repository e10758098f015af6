package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.io.RunLayout;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/** The divergence guard on its own: what a rollback restores, the halved rate, and when it gives up. No Spark. */
class DivergenceGuardTest {
  private static final int VOCAB = 1000;
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();
  private RunLayout layout;

  @BeforeEach
  void layout() {
    layout = RunLayout.of(new org.apache.hadoop.fs.Path(tmp.toUri()), "r");
  }

  /** A network with Adam, whose updater state a rollback must restore along with the weights. */
  private static MultiLayerNetwork net(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(3).activation(Activation.IDENTITY).build())
        .build());
    net.init();
    return net;
  }

  /** A few steps, which move the weights and Adam's moments away from where they were. */
  private static MultiLayerNetwork fitted(MultiLayerNetwork net, long seed) {
    Nd4j.getRandom().setSeed(seed);
    for (int i = 0; i < 3; i++) net.fit(new DataSet(Nd4j.rand(DataType.FLOAT, 5, 4), Nd4j.rand(DataType.FLOAT, 5, 3)));
    return net;
  }

  private static INDArray updater(MultiLayerNetwork net) {
    return net.getUpdater().getStateViewArray().dup();
  }

  private static Progress progress() {
    return new Progress(new LearningRateSchedule(ConfigLoader.load(null, List.of("train.lr=8")).train(), 1));
  }

  @Test
  void beforeAnyCheckpointARollbackReturnsToTheInitialWeightsAndUpdaterAtHalfTheRate() {
    MultiLayerNetwork net = net(1);
    INDArray params = net.params().dup();
    INDArray state = updater(net);
    DivergenceGuard guard = new DivergenceGuard(layout, conf, net, VOCAB, TrainConfig.Sync.AVERAGING);
    Progress p = progress();
    p.asgd.trigger(1);
    fitted(net, 2);
    p.asgd.add(net.params());
    assertNotEquals(params, net.params());

    assertEquals(1, guard.rollback(p, net, 1, "the training loss is not finite", Double.NaN), "epoch 1 again");
    assertEquals(params, net.params(), "the initial weights");
    assertEquals(state, updater(net), "the initial updater state");
    assertNull(p.asgd.average(), "NT-ASGD starts over");
    assertEquals(1, p.rollbacks);
    assertEquals(4, p.schedule.rate(1), "half of train.lr");
  }

  @Test
  void underGradientSharingTheGuardStopsTheRunInsteadOfRollingBackOnlyTheDriver() {
    MultiLayerNetwork net = fitted(net(1), 2);
    INDArray params = net.params().dup();
    DivergenceGuard guard = new DivergenceGuard(layout, conf, net(1), VOCAB, TrainConfig.Sync.SHARING);
    Progress p = progress();

    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> guard.rollback(p, net, 2, "the training loss is not finite", Double.NaN));
    assertTrue(e.getMessage().contains("train.sync = sharing"), e.getMessage());
    assertEquals(params, net.params(), "the driver's weights are left as they are");
    assertEquals(0, p.rollbacks);
    assertEquals(8, p.schedule.rate(1), "the rate is not halved");
  }

  @Test
  void aRollbackReturnsToTheLastCheckpointAndHalvesThisRunsRate() {
    MultiLayerNetwork checkpointed = fitted(net(1), 3);
    EpochMetrics one = new EpochMetrics(1, 8, 5.0, Math.exp(5), 50, 7, 100, false, 0, 700, 1, List.of());
    Checkpoints.write(layout, new Checkpoints.State(1, "h", 1, 0, 0, 0, List.of(50.0), 50, 1, 7, List.of(one)), checkpointed, null,
        conf);
    MultiLayerNetwork net = fitted(net(1), 4);
    DivergenceGuard guard = new DivergenceGuard(layout, conf, net(9), VOCAB, TrainConfig.Sync.AVERAGING);
    Progress p = progress();
    p.schedule.halve(); // this run rolled back once already, after the checkpoint was written
    p.rollbacks = 1;
    p.epochsDone = 3;
    p.epochs.add(one);

    assertEquals(2, guard.rollback(p, net, 4, guard.explosion(5.6e33), 5.6e33), "the epoch after the checkpoint");
    assertEquals(checkpointed.params(), net.params(), "the checkpoint's weights");
    assertEquals(updater(checkpointed), updater(net), "the checkpoint's updater state");
    assertEquals(1, p.epochsDone);
    assertEquals(List.of(50.0), p.valHistory);
    assertEquals(List.of(one), p.epochs);
    assertEquals(2, p.rollbacks, "this run's count, not the checkpoint's");
    assertEquals(2, p.schedule.rate(1), "a quarter of train.lr: the checkpoint's rate is not restored");
  }

  @Test
  void afterMaxRollbacksTheGuardGivesUp() {
    MultiLayerNetwork net = fitted(net(1), 2);
    INDArray params = net.params().dup();
    DivergenceGuard guard = new DivergenceGuard(layout, conf, net(1), VOCAB, TrainConfig.Sync.AVERAGING);
    Progress p = progress();
    p.rollbacks = DivergenceGuard.MAX_ROLLBACKS;
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> guard.rollback(p, net, 2, "the weights are not finite after round 1", 12.5));
    assertTrue(e.getMessage().contains("epoch 2") && e.getMessage().contains("the weights are not finite")
        && e.getMessage().contains(DivergenceGuard.MAX_ROLLBACKS + " rollbacks"), e.getMessage());
    assertEquals(2, e.epoch());
    assertEquals(12.5, e.valPpl());
    assertEquals(params, net.params(), "nothing rolled back");
  }

  // Moved here from TrainerCheckpointTest, with the rule.
  @Test
  void aValidationPerplexityCountsAsDivergenceWhenNotFiniteOrWorseThanAUniformGuess() {
    assertTrue(DivergenceGuard.exploded(Double.POSITIVE_INFINITY, 1000));
    assertTrue(DivergenceGuard.exploded(Double.NaN, 1000));
    assertTrue(DivergenceGuard.exploded(1000.5, 1000));
    assertFalse(DivergenceGuard.exploded(999.5, 1000));
  }

  @Test
  void theExplosionSaysWhy() {
    DivergenceGuard guard = new DivergenceGuard(layout, conf, net(1), VOCAB, TrainConfig.Sync.AVERAGING);
    assertNull(guard.explosion(999.5));
    assertEquals("validation perplexity 1000 is above the vocabulary size 1000, the perplexity of a uniform guess",
        guard.explosion(1000.4));
    assertEquals("validation perplexity NaN is not finite", guard.explosion(Double.NaN));
  }
}
