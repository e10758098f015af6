package dev.awdlm.model;

import java.util.Random;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;

/** Small AWD-LSTM networks and token data for tests. */
final class AwdLstmNets {
  private AwdLstmNets() {}

  static AwdLstmSpec spec(int vocab, int emsize, int nhid, int nlayers, boolean tied) {
    return new AwdLstmSpec(vocab, emsize, nhid, nlayers, 0, 0, 0, 0, 0, tied, 0, 0);
  }

  static AwdLstmSpec with(AwdLstmSpec s, String knob, double value) {
    return switch (knob) {
      case "none" -> s;
      case "dropout" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), value, s.dropouth(), s.dropouti(), s.dropoute(), s.wdrop(), s.tied(), s.alpha(), s.beta());
      case "dropouth" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), s.dropout(), value, s.dropouti(), s.dropoute(), s.wdrop(), s.tied(), s.alpha(), s.beta());
      case "dropouti" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), s.dropout(), s.dropouth(), value, s.dropoute(), s.wdrop(), s.tied(), s.alpha(), s.beta());
      case "dropoute" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), s.dropout(), s.dropouth(), s.dropouti(), value, s.wdrop(), s.tied(), s.alpha(), s.beta());
      case "wdrop" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), s.dropout(), s.dropouth(), s.dropouti(), s.dropoute(), value, s.tied(), s.alpha(), s.beta());
      case "alpha" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), s.dropout(), s.dropouth(), s.dropouti(), s.dropoute(), s.wdrop(), s.tied(), value, s.beta());
      case "beta" -> new AwdLstmSpec(s.vocab(), s.emsize(), s.nhid(), s.nlayers(), s.dropout(), s.dropouth(), s.dropouti(), s.dropoute(), s.wdrop(), s.tied(), s.alpha(), value);
      default -> throw new IllegalArgumentException(knob);
    };
  }

  static MultiLayerNetwork net(AwdLstmSpec spec, DataType type, IUpdater updater, Integer tbptt, long seed) {
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .dataType(type)
        .updater(updater == null ? new NoOp() : updater)
        .list()
        .layer(new AwdLstmLayer(spec));
    if (tbptt != null) list.backpropType(BackpropType.TruncatedBPTT).tBPTTLength(tbptt);
    MultiLayerConfiguration conf = list.build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /** Random token ids {@code [batch, 1, steps]}. */
  static INDArray tokens(int vocab, int batch, int steps, long seed, DataType type) {
    Random r = new Random(seed);
    INDArray a = Nd4j.create(type, batch, 1, steps);
    for (int b = 0; b < batch; b++) for (int t = 0; t < steps; t++) a.putScalar(new long[] {b, 0, t}, r.nextInt(vocab));
    return a;
  }
}
