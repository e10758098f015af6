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

  @Test
  void scoringTheLabelsEqualsTheLogOfTheProbabilitiesWithStateCarriedAcrossWindows() {
    int vocab = 50;
    int rows = 3;
    int steps = 12;
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
    double expected = 0;
    for (int b = 0; b < rows; b++) {
      for (int s = 0; s < steps; s++) expected -= Math.log(probs.getDouble(b, (long) labels.getDouble(b, 0, s), s));
    }

    // The evaluator: windows of 5 steps (5, 5, 2), state carried between them, the layer's fast path.
    assertEquals(1, net.getnLayers());
    assertEquals(AwdLstmLayerImpl.class, net.getLayer(0).getClass());
    Perplexity p = new PerplexityEvaluator(5).evaluate(net, new DataSet(features, labels));
    assertEquals(rows * steps, p.tokens());
    assertEquals(expected, p.totalNll(), 1e-6 * expected);
  }
}
