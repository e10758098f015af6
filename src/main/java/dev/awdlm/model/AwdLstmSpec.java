package dev.awdlm.model;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Sizes and regularisation of one AWD-LSTM, and the shapes and initial values of its parameters.
 *
 * @param alpha AR weight
 * @param beta TAR weight
 */
public record AwdLstmSpec(int vocab, int emsize, int nhid, int nlayers, double dropout, double dropouth,
    double dropouti, double dropoute, double wdrop, boolean tied, double alpha, double beta) implements Serializable {

  public static AwdLstmSpec of(ModelConfig m, TrainConfig t, int vocab) {
    return new AwdLstmSpec(vocab, m.emsize(), m.nhid(), m.nlayers(), m.dropout(), m.dropouth(), m.dropouti(),
        m.dropoute(), m.wdrop(), m.tied(), t.alpha(), t.beta());
  }

  /** awd-lstm-lm: the last layer's size is emsize when tied, so its output can use the embedding as decoder. */
  public int hiddenSize(int layer) {
    return layer == nlayers - 1 && tied ? emsize : nhid;
  }

  public int inputSize(int layer) {
    return layer == 0 ? emsize : hiddenSize(layer - 1);
  }

  /** Every parameter's shape, in the order of DL4J's flat parameter vector. */
  public Map<String, long[]> parameterShapes() {
    Map<String, long[]> shapes = new LinkedHashMap<>();
    shapes.put(AwdLstmCore.EMBEDDING, new long[] {vocab, emsize});
    for (int l = 0; l < nlayers; l++) {
      int h = hiddenSize(l);
      shapes.put(AwdLstmCore.inputWeights(l), new long[] {inputSize(l), 4L * h});
      shapes.put(AwdLstmCore.recurrentWeights(l), new long[] {h, 4L * h});
      shapes.put(AwdLstmCore.bias(l), new long[] {1, 4L * h});
    }
    if (!tied) shapes.put(AwdLstmCore.DECODER, new long[] {vocab, hiddenSize(nlayers - 1)});
    shapes.put(AwdLstmCore.DECODER_BIAS, new long[] {1, vocab});
    return shapes;
  }

  public long parameterCount() {
    long n = 0;
    for (long[] s : parameterShapes().values()) n += s[0] * s[1];
    return n;
  }

  /**
   * awd-lstm-lm's (and PyTorch's) initialisation: embedding and decoder uniform(-0.1, 0.1), LSTM
   * weights and biases uniform(-1/sqrt(H), 1/sqrt(H)), decoder bias zero.
   */
  public void initialize(String name, INDArray param) {
    if (name.equals(AwdLstmCore.DECODER_BIAS)) {
      param.assign(0);
      return;
    }
    double a = 0.1;
    if (!name.equals(AwdLstmCore.EMBEDDING) && !name.equals(AwdLstmCore.DECODER)) {
      int layer = Integer.parseInt(name.substring(1));
      a = 1 / Math.sqrt(hiddenSize(layer));
    }
    param.assign(Nd4j.rand(param.dataType(), param.shape()).muli(2 * a).subi(a));
  }
}
