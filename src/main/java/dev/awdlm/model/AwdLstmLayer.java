package dev.awdlm.model;

import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * DL4J configuration of the whole AWD-LSTM as one output layer: token ids {@code [B, 1, T]} in,
 * next-token probabilities {@code [B, V, T]} out, sparse labels {@code [B, 1, T]}. One layer,
 * because weight tying shares the embedding with the decoder and DL4J cannot share parameters
 * between layers; so a network is {@code MultiLayerNetwork} with this single layer, which
 * dl4j-spark broadcasts, averages and ModelSerializer saves like any other. Serialised to JSON
 * through its {@link #getSpec() spec}.
 */
public class AwdLstmLayer extends FeedForwardLayer {
  private static final long serialVersionUID = 1L;

  private AwdLstmSpec spec;

  /** For JSON deserialisation. */
  public AwdLstmLayer() {}

  public AwdLstmLayer(AwdLstmSpec spec) {
    this.spec = spec;
    this.nIn = 1;
    this.nOut = spec.vocab();
    // Unset, as DL4J's layer builders leave them, so the network-level gradient clipping applies:
    // NeuralNetConfiguration only fills null/NaN (the field initialisers say None/1.0).
    this.gradientNormalization = null;
    this.gradientNormalizationThreshold = Double.NaN;
  }

  public AwdLstmSpec getSpec() {
    return spec;
  }

  public void setSpec(AwdLstmSpec spec) {
    this.spec = spec;
  }

  @Override
  public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
      int layerIndex, INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    AwdLstmLayerImpl layer = new AwdLstmLayerImpl(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return AwdLstmParamInitializer.getInstance();
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    long length = inputType instanceof InputType.InputTypeRecurrent r ? r.getTimeSeriesLength() : -1;
    return InputType.recurrent(spec.vocab(), length);
  }

  @Override
  public void setNIn(InputType inputType, boolean override) {
    // token ids: one input channel, whatever the caller says
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public boolean isPretrainParam(String paramName) {
    return false;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    long params = spec.parameterCount();
    return new LayerMemoryReport.Builder(layerName, AwdLstmLayer.class, inputType, getOutputType(0, inputType))
        .standardMemory(params, params)
        .workingMemory(0, 0, 0, 0)
        .cacheMemory(0, 0)
        .build();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AwdLstmLayer other && super.equals(o) && Objects.equals(spec, other.spec);
  }

  @Override
  public int hashCode() {
    return Objects.hash(super.hashCode(), spec);
  }

  /**
   * DL4J's clone shares the updater configuration. A dl4j-spark worker's network is a clone of the
   * broadcast configuration, which in local mode is the driver's own object, so the workers would
   * share one learning rate: one worker's per-window rate (variable-length BPTT) would be another's,
   * and the driver's.
   */
  @Override
  public AwdLstmLayer clone() {
    AwdLstmLayer clone = (AwdLstmLayer) super.clone();
    if (clone.getIUpdater() != null) clone.setIUpdater(clone.getIUpdater().clone());
    if (clone.getBiasUpdater() != null) clone.setBiasUpdater(clone.getBiasUpdater().clone());
    return clone;
  }
}
