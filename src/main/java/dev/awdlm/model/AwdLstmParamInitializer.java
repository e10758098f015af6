package dev.awdlm.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Lays the AWD-LSTM parameters out in DL4J's flat parameter (and gradient) vector, in the order of
 * {@link AwdLstmSpec#parameterShapes()}, each a c-order view, so that parameter averaging, updaters
 * and ModelSerializer see one ordinary vector.
 */
public final class AwdLstmParamInitializer implements ParamInitializer {
  private static final AwdLstmParamInitializer INSTANCE = new AwdLstmParamInitializer();

  public static AwdLstmParamInitializer getInstance() {
    return INSTANCE;
  }

  private static AwdLstmSpec spec(Layer layer) {
    return ((AwdLstmLayer) layer).getSpec();
  }

  @Override
  public long numParams(NeuralNetConfiguration conf) {
    return numParams(conf.getLayer());
  }

  @Override
  public long numParams(Layer layer) {
    return spec(layer).parameterCount();
  }

  @Override
  public List<String> paramKeys(Layer layer) {
    return new ArrayList<>(spec(layer).parameterShapes().keySet());
  }

  @Override
  public List<String> weightKeys(Layer layer) {
    return paramKeys(layer).stream().filter(k -> isWeightParam(layer, k)).toList();
  }

  @Override
  public List<String> biasKeys(Layer layer) {
    return paramKeys(layer).stream().filter(k -> isBiasParam(layer, k)).toList();
  }

  @Override
  public boolean isWeightParam(Layer layer, String key) {
    return !isBiasParam(layer, key);
  }

  @Override
  public boolean isBiasParam(Layer layer, String key) {
    return key.startsWith("b");
  }

  @Override
  public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
    AwdLstmSpec spec = spec(conf.getLayer());
    Map<String, INDArray> params = views(spec, paramsView);
    if (initializeParams) params.forEach(spec::initialize);
    return params;
  }

  @Override
  public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
    return views(spec(conf.getLayer()), gradientView);
  }

  /** Named c-order views into a flat vector. */
  static Map<String, INDArray> views(AwdLstmSpec spec, INDArray flat) {
    INDArray vector = flat.reshape(flat.length());
    Map<String, INDArray> out = new LinkedHashMap<>();
    long offset = 0;
    for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) {
      long n = e.getValue()[0] * e.getValue()[1];
      out.put(e.getKey(), vector.get(NDArrayIndex.interval(offset, offset + n)).reshape('c', e.getValue()));
      offset += n;
    }
    if (offset != flat.length()) throw new IllegalStateException("parameter vector has " + flat.length() + " entries, expected " + offset);
    return out;
  }
}
