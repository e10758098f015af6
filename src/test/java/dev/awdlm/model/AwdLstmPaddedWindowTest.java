package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.batch.VariableBptt;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Sgd;

/**
 * Variable-length windows reach the AWD-LSTM layer padded to DL4J's fixed TBPTT length with a
 * mask: training on them must be training on the real steps alone, window by window, with the
 * state carried from each window's last real step. No dropout, so runs are comparable exactly.
 */
class AwdLstmPaddedWindowTest {
  private static final int VOCAB = 13;
  private static final AwdLstmSpec SPEC = AwdLstmNets.with(AwdLstmNets.with(AwdLstmNets.spec(VOCAB, 5, 6, 2, false),
      "alpha", 0.5), "beta", 0.5);

  private static MultiLayerNetwork net(int tbptt) {
    return AwdLstmNets.net(SPEC, DataType.DOUBLE, new Sgd(0.5), tbptt, 7);
  }

  private static DataSet shard(int steps) {
    INDArray tokens = AwdLstmNets.tokens(VOCAB, 3, steps + 1, 5, DataType.DOUBLE);
    return new DataSet(tokens.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, steps)).dup(),
        tokens.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(1, steps + 1)).dup());
  }

  @Test
  void aPaddedWindowTrainsAsItsRealStepsAlone() {
    DataSet shard = shard(7);
    MultiLayerNetwork padded = net(10);
    padded.fit(VariableBptt.padded(shard, List.of(7), 10));
    MultiLayerNetwork plain = net(7);
    plain.fit(shard);
    assertEquals(plain.params(), padded.params());
  }

  @Test
  void paddedWindowsCarryTheStateFromTheLastRealStep() {
    DataSet shard = shard(12);
    MultiLayerNetwork padded = net(10);
    padded.fit(VariableBptt.padded(shard, List.of(6, 6), 10));
    MultiLayerNetwork plain = net(6);
    plain.fit(shard); // two windows of 6, the state carried between them
    assertEquals(plain.params(), padded.params());
    assertEquals(3 * 6, ((AwdLstmLayerImpl) padded.getLayer(0)).trainingTokens(), "the last window's real labels");
  }

  @Test
  void aMaskThatIsNotAPaddedWindowIsRefused() {
    INDArray hole = Nd4j.ones(DataType.FLOAT, 3, 10);
    hole.putScalar(new long[] {1, 4}, 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AwdLstmLayerImpl.keptSteps(hole, 10));
    assertTrue(e.getMessage().contains("stream 1 differs at step 4"), e.getMessage());
    INDArray prefix = Nd4j.zeros(DataType.FLOAT, 3, 10);
    for (int b = 0; b < 3; b++) {
      for (int t = 0; t < 6; t++) prefix.putScalar(new long[] {b, t}, 1.0);
    }
    assertEquals(6, AwdLstmLayerImpl.keptSteps(prefix, 10));
  }

  @Test
  void theScoreIsOverTheRealStepsToo() {
    DataSet shard = shard(7);
    MultiLayerNetwork padded = net(10);
    MultiLayerNetwork plain = net(7);
    assertEquals(plain.score(shard), padded.score(VariableBptt.padded(shard, List.of(7), 10)), 1e-12);
  }
}
