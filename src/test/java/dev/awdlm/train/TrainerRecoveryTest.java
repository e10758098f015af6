package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.SwappingFileSystem;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The divergence guard recovers: one train DataSet reads, on its second read only (epoch 2's first
 * attempt), with a NaN in its label mask, which makes the stock LSTM's loss and weights NaN. The
 * guard rolls back to epoch 1's checkpoint, and epoch 2 at half the rate trains on the clean file.
 */
@ExtendWith(SparkExtension.class)
class TrainerRecoveryTest {
  @TempDir Path tmp;

  @AfterEach
  void reset() {
    SwappingFileSystem.reset();
  }

  @Test
  void aNanInEpochTwoRollsBackToEpochOnesCheckpointAndTheHalvedRateSurvives(JavaSparkContext sc) throws Exception {
    TinyRun run = new TinyRun(tmp, sc);
    Configuration conf = sc.hadoopConfiguration();
    SwappingFileSystem.register(conf);
    // SGD without dropout on one worker: epoch 2 can be replayed by hand from the checkpoint.
    AwdlmConfig config = run.config("model.kind=lstm", "model.dropout=0", "train.workers=1", "train.optimizer=sgd", "train.lr=1",
        "train.epochs=2");
    List<String> files = run.trainFiles(conf);
    String poisoned = new org.apache.hadoop.fs.Path(files.get(files.size() / 2)).getName();
    DataSet bad = TinyRun.load(files.get(files.size() / 2), conf);
    INDArray mask = Nd4j.ones(DataType.FLOAT, bad.getLabels().size(0), bad.getLabels().size(2));
    mask.putScalar(0, 3, Double.NaN);
    bad.setLabelsMaskArray(mask);
    Path badFile = tmp.resolve("bad.bin");
    bad.save(badFile.toFile());
    SwappingFileSystem.swapOnOpen(poisoned, 2, badFile);

    RunLayout swapped = RunLayout.of(SwappingFileSystem.of(tmp.resolve("runs")), "c");
    TrainResult r = Trainer.train(config, sc, swapped, run.prepared);

    assertEquals(1, r.rollbacks());
    EpochMetrics one = r.epochs().get(0);
    EpochMetrics two = r.epochs().get(1);
    assertEquals(0, one.rollbacks());
    assertEquals(1.0, one.lr(), 0);
    assertEquals(1, two.rollbacks(), "the rollback is in epoch 2's metrics");
    assertEquals(0.5, two.lr(), 0, "epoch 2 ran again at half the rate");
    assertTrue(Double.isFinite(two.trainNll()) && two.valPpl() < run.prepared.vocabSize(), two.toString());

    // Epoch 2 replayed by hand from epoch 1's checkpoint at half the rate is the saved model:
    // the guard restored that checkpoint, not the NaN weights or the initial ones.
    MultiLayerNetwork fromCheckpoint = ModelSerializer.restoreMultiLayerNetwork(
        run.runDir().resolve("checkpoints/epoch-0001/model.zip").toFile(), true);
    assertFalse(Double.isNaN(fromCheckpoint.params().sumNumber().doubleValue()));
    fromCheckpoint.setLearningRate(0.5);
    run.fitAlone(fromCheckpoint, config, 2, conf);
    MultiLayerNetwork saved = SavedModel.loadNetwork("model", swapped.model(), conf);
    TinyRun.assertClose(fromCheckpoint.params(), saved.params(), "epoch 2 from the checkpoint at half the rate");
  }
}
