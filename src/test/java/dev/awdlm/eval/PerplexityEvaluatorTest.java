package dev.awdlm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.model.AwdLstmLayerImpl;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.train.LearningRateSchedule;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** The evaluator's fast path (the layer scores labels itself) against probabilities from rnnTimeStep. */
class PerplexityEvaluatorTest {

  private static final int VOCAB = 50;
  private static final int ROWS = 3;
  private static final int STEPS = 12;

  @Test
  void scoringTheLabelsEqualsTheLogOfTheProbabilitiesWithStateCarriedAcrossWindows() {
    Fixture x = new Fixture();
    // The evaluator: windows of 5 steps (5, 5, 2), state carried between them, the layer's fast path.
    assertEquals(1, x.net.getnLayers());
    assertEquals(AwdLstmLayerImpl.class, x.net.getLayer(0).getClass());
    Perplexity p = new PerplexityEvaluator(5).evaluate(x.net, x.data);
    assertEquals(ROWS * STEPS, p.tokens());
    assertEquals(x.expected, p.totalNll(), 1e-6 * x.expected);
  }

  /** A small AWD-LSTM, 3 streams of 12 random steps, and their NLL from one rnnTimeStep call's probabilities. */
  private static final class Fixture {
    final MultiLayerNetwork net;
    final DataSet data;
    final double expected;

    Fixture() {
      int vocab = VOCAB;
      int rows = ROWS;
      int steps = STEPS;
      ModelConfig m = new ModelConfig(8, 10, 2, 0.4, 0.3, 0.5, 0.1, 0.5, true, ModelConfig.Kind.AWD_LSTM);
      TrainConfig t = new TrainConfig(1, 0.25, 1, rows, rows, 5, 2, 1, 0, 7, TrainConfig.Optimizer.SGD, 5, List.of(), 1, 1, 0,
          TrainConfig.Repartition.NEVER, false, TrainConfig.LrScaling.NONE, false, TrainConfig.Sync.AVERAGING);
      MultiLayerNetwork net = LanguageModels.awdLstm(m, t, vocab, LearningRateSchedule.initial(t));
      Random r = new Random(3);
      float[] f = new float[rows * steps];
      float[] l = new float[rows * steps];
      for (int i = 0; i < f.length; i++) {
        f[i] = r.nextInt(vocab);
        l[i] = r.nextInt(vocab);
      }
      INDArray features = Nd4j.create(f, new long[] {rows, 1, steps}, 'c').castTo(DataType.FLOAT);
      INDArray labels = Nd4j.create(l, new long[] {rows, 1, steps}, 'c').castTo(DataType.FLOAT);

      // Reference: probabilities for the whole sequence in one rnnTimeStep call.
      INDArray probs = net.rnnTimeStep(features);
      net.rnnClearPreviousState();
      double nll = 0;
      for (int b = 0; b < rows; b++) {
        for (int s = 0; s < steps; s++) nll -= Math.log(probs.getDouble(b, (long) labels.getDouble(b, 0, s), s));
      }
      this.net = net;
      this.data = new DataSet(features, labels);
      this.expected = nll;
    }
  }
}
