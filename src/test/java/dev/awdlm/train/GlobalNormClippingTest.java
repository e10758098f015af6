package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.TrainConfig;
import dev.awdlm.model.LanguageModels;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * train.clip behaves like torch.nn.utils.clip_grad_norm_ over all parameters: one SGD step moves
 * the parameters by -lr * g * min(1, clip / ||g||), with g the gradient of the per-token loss and
 * ||g|| its L2 norm over every parameter. The network is built exactly as training builds it.
 */
class GlobalNormClippingTest {

  private static MultiLayerNetwork net(double clip) {
    var config = ConfigLoader.load(null, List.of("model.emsize=6", "model.nhid=8", "model.nlayers=2",
        "model.dropout=0", "model.dropouth=0", "model.dropouti=0", "model.dropoute=0", "model.wdrop=0",
        "train.alpha=0", "train.beta=0", "train.wdecay=0", "train.lr=0.5", "train.clip=" + clip, "train.bptt=5"));
    TrainConfig t = config.train();
    return LanguageModels.awdLstm(config.model(), t, 11, LearningRateSchedule.initial(t));
  }

  private static DataSet data() {
    java.util.Random r = new java.util.Random(4);
    INDArray f = Nd4j.create(DataType.FLOAT, 3, 1, 5);
    INDArray l = Nd4j.create(DataType.FLOAT, 3, 1, 5);
    for (int i = 0; i < 15; i++) {
      f.putScalar(i, r.nextInt(11));
      l.putScalar(i, r.nextInt(11));
    }
    return new DataSet(f, l);
  }

  @ParameterizedTest
  @ValueSource(doubles = {0.01, 0.05, 1000})
  void oneStepMovesByTheGloballyClippedGradient(double clip) {
    MultiLayerNetwork net = net(clip);
    DataSet ds = data();
    // The per-token-loss gradient, unclipped: DL4J layers return it summed over the minibatch.
    net.setInput(ds.getFeatures());
    net.setLabels(ds.getLabels());
    net.computeGradientAndScore();
    INDArray g = net.getFlattenedGradients().dup().divi(3);
    double norm = g.norm2Number().doubleValue();
    INDArray before = net.params().dup();

    net.rnnClearPreviousState();
    net.fit(ds); // one window (bptt 5 = sequence length): one update

    INDArray expected = before.sub(g.mul(0.5 * Math.min(1, clip / norm)));
    double err = net.params().sub(expected).norm2Number().doubleValue();
    assertTrue(err < 1e-5 * Math.max(1e-3, before.sub(expected).norm2Number().doubleValue()) + 1e-7,
        "clip " + clip + ": ||g|| = " + norm + ", error " + err);
    if (clip < norm) {
      assertEquals(0.5 * clip, net.params().sub(before).norm2Number().doubleValue(), 1e-4 * clip, "the step has length lr * clip");
    }
  }

  @Test
  void clippingIsActuallyExercised() {
    // the small thresholds above are below the gradient norm of this network and data
    MultiLayerNetwork net = net(0.01);
    DataSet ds = data();
    net.setInput(ds.getFeatures());
    net.setLabels(ds.getLabels());
    net.computeGradientAndScore();
    assertTrue(net.getFlattenedGradients().norm2Number().doubleValue() / 3 > 0.05);
  }
}
