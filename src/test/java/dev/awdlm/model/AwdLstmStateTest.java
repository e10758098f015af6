package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.eval.PerplexityEvaluator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The recurrent state the layer carries between calls: a stored state for another number of
 * streams is an error that says what to do, never silently replaced by zeros, while the paths on
 * which DL4J or the evaluator clear the state between batches keep working.
 */
class AwdLstmStateTest {
  private static final AwdLstmSpec SPEC = AwdLstmNets.spec(20, 8, 12, 2, true);

  private static MultiLayerNetwork net() {
    return AwdLstmNets.net(SPEC, DataType.FLOAT, new Adam(0.01), 5, 1);
  }

  private static INDArray tokens(int batch, int steps, long seed) {
    return AwdLstmNets.tokens(SPEC.vocab(), batch, steps, seed, DataType.FLOAT);
  }

  private static void assertNamesBothSizes(IllegalStateException e) {
    assertTrue(e.getMessage().contains("3 streams") && e.getMessage().contains("2 streams")
        && e.getMessage().contains("rnnClearPreviousState"), e.getMessage());
  }

  @Test
  void rnnTimeStepWithAnotherBatchSizeIsAnError() {
    MultiLayerNetwork net = net();
    net.rnnTimeStep(tokens(3, 4, 1));
    assertNamesBothSizes(assertThrows(IllegalStateException.class, () -> net.rnnTimeStep(tokens(2, 4, 2))));
  }

  @Test
  void continuingAnEvaluationWithAnotherBatchSizeIsAnError() {
    MultiLayerNetwork net = net();
    PerplexityEvaluator evaluator = new PerplexityEvaluator(4);
    evaluator.evaluate(net, new DataSet(tokens(3, 8, 1), tokens(3, 8, 2)));
    DataSet two = new DataSet(tokens(2, 8, 3), tokens(2, 8, 4));
    assertNamesBothSizes(assertThrows(IllegalStateException.class, () -> evaluator.evaluate(net, two)));
  }

  @Test
  void afterClearingTheStateAnotherBatchSizeStartsFromZeros() {
    MultiLayerNetwork net = net();
    INDArray two = tokens(2, 4, 2);
    INDArray cold = net.rnnTimeStep(two);
    net.rnnClearPreviousState();
    net.rnnTimeStep(tokens(3, 4, 1));
    net.rnnClearPreviousState();
    assertEquals(cold, net.rnnTimeStep(two));
  }

  @Test
  void dl4jClearsTheStateAroundEachTbpttFitAndOutputNeverUsesIt() {
    MultiLayerNetwork net = net();
    net.rnnTimeStep(tokens(3, 4, 1));
    // fit with truncated BPTT starts every DataSet from zeros, whatever its number of streams
    assertDoesNotThrow(() -> net.fit(new DataSet(tokens(4, 10, 3), tokens(4, 10, 4))));
    assertDoesNotThrow(() -> net.fit(new DataSet(tokens(2, 10, 5), tokens(2, 10, 6))));
    net.rnnTimeStep(tokens(3, 4, 1));
    INDArray in = tokens(2, 4, 7);
    INDArray withStoredState = net.output(in, false);
    net.rnnClearPreviousState();
    assertEquals(net.output(in, false), withStoredState, "output() runs from zeros, ignoring the stored state");
  }
}
