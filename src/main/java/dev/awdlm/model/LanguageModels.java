package dev.awdlm.model;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import org.deeplearning4j.nn.conf.BackpropType;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.distribution.UniformDistribution;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInitDistribution;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.Sgd;
import org.nd4j.linalg.lossfunctions.impl.LossSparseMCXENT;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds the network a run trains. Inputs are {@code [batch, 1, time]} token ids, outputs
 * {@code [batch, vocab, time]} next-token probabilities; labels are sparse ids {@code [batch, 1, time]}.
 * Each builder takes the updater's first learning rate, which {@code train.LearningRateSchedule}
 * computes, as every other rate.
 */
public final class LanguageModels {
  private static final Logger LOG = LoggerFactory.getLogger(LanguageModels.class);

  private LanguageModels() {}

  /** The network {@code model.kind} names, its updater at learning rate {@code lr}. */
  public static MultiLayerNetwork of(ModelConfig m, TrainConfig t, int vocabSize, double lr) {
    return switch (m.kind()) {
      case LSTM -> stockLstm(m, t, vocabSize, lr);
      case AWD_LSTM -> awdLstm(m, t, vocabSize, lr);
    };
  }

  /**
   * Embedding, {@code nlayers} stock DL4J LSTMs and a softmax decoder, trained with truncated BPTT
   * of {@code bptt} steps: the baseline {@code bench model} compares the AWD-LSTM with, and
   * Zaremba et al.'s regularized LSTM in the ablation. Only {@code model.dropout} applies, as DL4J's
   * dropout (a new mask per step) on the input of every LSTM layer and of the decoder.
   */
  public static MultiLayerNetwork stockLstm(ModelConfig m, TrainConfig t, int vocabSize, double lr) {
    if (m.dropouth() > 0 || m.dropouti() > 0 || m.dropoute() > 0 || m.wdrop() > 0 || m.tied()) {
      LOG.warn("the stock LSTM model ignores model.dropouth/dropouti/dropoute/wdrop/tied");
    }
    NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
        .seed(t.seed())
        .dataType(DataType.FLOAT)
        .updater(updater(t, lr))
        .l2(t.wdecay())
        .gradientNormalization(t.clip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None)
        .gradientNormalizationThreshold(t.clip() > 0 ? t.clip() : 1.0)
        .list()
        .layer(new EmbeddingSequenceLayer.Builder()
            .nIn(vocabSize).nOut(m.emsize())
            .inferInputLength(true).hasBias(false)
            .outputDataFormat(RNNFormat.NCW)
            .weightInit(new WeightInitDistribution(new UniformDistribution(-0.1, 0.1)))
            .build());
    int in = m.emsize();
    for (int l = 0; l < m.nlayers(); l++) {
      int h = m.hiddenSize(l);
      double a = 1 / Math.sqrt(h);
      list.layer(new LSTM.Builder()
          .nIn(in).nOut(h)
          .activation(Activation.TANH).gateActivationFunction(Activation.SIGMOID)
          .forgetGateBiasInit(0)
          .dataFormat(RNNFormat.NCW)
          // Zaremba et al.: dropout on the layer's input (a non-recurrent connection), a new mask per step
          .dropOut(m.dropout() > 0 ? 1 - m.dropout() : 0)
          .weightInit(new WeightInitDistribution(new UniformDistribution(-a, a)))
          .build());
      in = h;
    }
    RnnOutputLayer.Builder decoder = new RnnOutputLayer.Builder(new LossSparseMCXENT())
        .nIn(in).nOut(vocabSize)
        .activation(Activation.SOFTMAX)
        .dataFormat(RNNFormat.NCW)
        .weightInit(new WeightInitDistribution(new UniformDistribution(-0.1, 0.1)));
    if (m.dropout() > 0) decoder.dropOut(1 - m.dropout()); // DL4J takes the retain probability
    MultiLayerConfiguration conf = list.layer(decoder.build())
        .backpropType(BackpropType.TruncatedBPTT)
        .tBPTTLength(t.bptt())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  /**
   * The AWD-LSTM (one {@link AwdLstmLayer}), trained with truncated BPTT of {@code bptt} steps, or
   * with {@code train.variableBptt} on windows padded to {@link TrainConfig#maxWindow()} steps.
   * Weight decay is L2 on every parameter, as torch's SGD weight_decay; gradient clipping is on the
   * L2 norm of the layer's gradient, which with one layer is the global norm (clip_grad_norm_).
   */
  public static MultiLayerNetwork awdLstm(ModelConfig m, TrainConfig t, int vocabSize, double lr) {
    MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
        .seed(t.seed())
        .dataType(DataType.FLOAT)
        .updater(updater(t, lr))
        .l2(t.wdecay())
        .l2Bias(t.wdecay())
        .gradientNormalization(t.clip() > 0 ? GradientNormalization.ClipL2PerLayer : GradientNormalization.None)
        .gradientNormalizationThreshold(t.clip() > 0 ? t.clip() : 1.0)
        .list()
        .layer(new AwdLstmLayer(AwdLstmSpec.of(m, t, vocabSize)))
        .backpropType(BackpropType.TruncatedBPTT)
        .tBPTTLength(t.maxWindow())
        .build();
    MultiLayerNetwork net = new MultiLayerNetwork(conf);
    net.init();
    return net;
  }

  static IUpdater updater(TrainConfig t, double lr) {
    return switch (t.optimizer()) {
      case SGD -> new Sgd(lr);
      case ADAM -> new Adam(lr);
    };
  }
}
