package dev.awdlm.bench;

import dev.awdlm.model.AwdLstmSpec;
import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * The FLOPs {@code bench model} counts for one trained token, the same formula for the AWD-LSTM and
 * the stock DL4J stack: per LSTM layer of input width {@code n} and width {@code h} the input and
 * recurrent GEMMs, {@code 4h(n + h)} multiply-adds, plus the decoder, {@code d·V}; training is three
 * times the forward pass (forward, and backward for activations and for weights), and a
 * multiply-add is 2 FLOPs. Elementwise work (gates, dropout masks, softmax) and the embedding lookup
 * are not counted.
 *
 * @param layers per LSTM layer, bottom first: {input width, width}
 * @param decoderIn the decoder's input width
 */
public record TrainingFlops(List<int[]> layers, int decoderIn, int vocab) {

  public static TrainingFlops of(AwdLstmSpec s) {
    List<int[]> layers = new ArrayList<>();
    for (int l = 0; l < s.nlayers(); l++) layers.add(new int[] {s.inputSize(l), s.hiddenSize(l)});
    return new TrainingFlops(layers, s.hiddenSize(s.nlayers() - 1), s.vocab());
  }

  /** The widths of a stock network's DL4J {@code LSTM} layers and of its {@code RnnOutputLayer}, as configured. */
  public static TrainingFlops of(MultiLayerNetwork stock) {
    List<int[]> layers = new ArrayList<>();
    RnnOutputLayer decoder = null;
    for (var conf : stock.getLayerWiseConfigurations().getConfs()) {
      if (conf.getLayer() instanceof LSTM lstm) layers.add(new int[] {width(lstm, true), width(lstm, false)});
      if (conf.getLayer() instanceof RnnOutputLayer out) decoder = out;
    }
    if (layers.isEmpty() || decoder == null) throw new IllegalArgumentException("not an LSTM stack with an RnnOutputLayer");
    return new TrainingFlops(layers, width(decoder, true), width(decoder, false));
  }

  public double perToken() {
    double macs = (double) decoderIn * vocab;
    for (int[] layer : layers) macs += 4.0 * layer[1] * (layer[0] + layer[1]);
    return 3 * 2 * macs;
  }

  private static int width(FeedForwardLayer layer, boolean in) {
    return Math.toIntExact(in ? layer.getNIn() : layer.getNOut());
  }
}
