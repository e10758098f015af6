package dev.awdlm.train;

import dev.awdlm.model.AwdLstmLayerImpl;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.learning.config.IUpdater;

/**
 * awd-lstm-lm's learning rate for a variable-length window: the epoch's rate times
 * {@code seq_len / bptt}, so a short window moves the weights less. DL4J calls this after a
 * window's gradient and before the updater reads the rate, and the updater reads it from the
 * layer's {@link IUpdater} on every step, so setting it here sets this step's rate. Gradient
 * clipping still sees the unscaled gradient, as in awd-lstm-lm.
 */
final class VariableBpttRate extends BaseTrainingListener implements java.io.Serializable {
  private final double rate;
  private final int bptt;

  /** @param rate the epoch's learning rate (the rate of a window of {@code bptt} steps) */
  VariableBpttRate(double rate, int bptt) {
    this.rate = rate;
    this.bptt = bptt;
  }

  @Override
  public void onGradientCalculation(Model model) {
    MultiLayerNetwork net = (MultiLayerNetwork) model;
    if (!(net.getOutputLayer() instanceof AwdLstmLayerImpl awd)) return;
    double steps = (double) awd.trainingTokens() / net.getLabels().size(0);
    for (Layer layer : net.getLayers()) {
      if (layer.conf().getLayer() instanceof BaseLayer conf && conf.getIUpdater() != null && conf.getIUpdater().hasLearningRate()) {
        conf.getIUpdater().setLrAndSchedule(rate * steps / bptt, null);
      }
    }
  }
}
