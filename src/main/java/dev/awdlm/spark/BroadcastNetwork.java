package dev.awdlm.spark;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A network as executors need it to evaluate or score: its configuration and its parameters,
 * without updater state. Every task restores its own copy ({@link #restore}), as a network is not
 * thread-safe. Not a ModelSerializer zip: on the default pipeline's 4.2M-parameter model, writing
 * the zip took 490 ms (deflate) and each task's {@code Nd4j.read} of the parameters 190 ms
 * (element by element), against about 65 ms and a bulk copy here (docs/measured-figures.md,
 * "Scoring"). Java-serialized (see {@link AwdlmKryoRegistrator}).
 */
public final class BroadcastNetwork implements Serializable {
  private static final long serialVersionUID = 1L;
  private final String configuration;
  private final DataType type;
  private final byte[] parameters;

  private BroadcastNetwork(String configuration, DataType type, byte[] parameters) {
    this.configuration = configuration;
    this.type = type;
    this.parameters = parameters;
  }

  /** The network's configuration and a copy of its parameters, taken now. */
  public static BroadcastNetwork of(MultiLayerNetwork net) {
    INDArray params = net.params();
    DataType type = params.dataType();
    if (type != DataType.FLOAT && type != DataType.DOUBLE) {
      throw new IllegalArgumentException("cannot broadcast a network whose parameters are " + type + " (float or double only)");
    }
    // A view's buffer starts before it and may be longer: copy the parameters alone, in order.
    INDArray flat = params.isView() || params.ordering() != 'c' ? params.dup('c') : params;
    long n = flat.length();
    if (n * type.width() > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("cannot broadcast " + n + " parameters of " + type + " in one array (over 2 GB)");
    }
    ByteBuffer from = flat.data().asNio().order(ByteOrder.nativeOrder());
    ByteBuffer to = ByteBuffer.allocate((int) (n * type.width())).order(ByteOrder.LITTLE_ENDIAN);
    if (type == DataType.FLOAT) {
      to.asFloatBuffer().put(from.asFloatBuffer().limit((int) n));
    } else {
      to.asDoubleBuffer().put(from.asDoubleBuffer().limit((int) n));
    }
    return new BroadcastNetwork(net.getLayerWiseConfigurations().toJson(), type, to.array());
  }

  /** A new network of its own, with these parameters and no updater state. */
  public MultiLayerNetwork restore() {
    ByteBuffer bytes = ByteBuffer.wrap(parameters).order(ByteOrder.LITTLE_ENDIAN);
    INDArray params;
    if (type == DataType.FLOAT) {
      float[] values = new float[parameters.length / Float.BYTES];
      bytes.asFloatBuffer().get(values);
      params = Nd4j.createFromArray(values);
    } else {
      double[] values = new double[parameters.length / Double.BYTES];
      bytes.asDoubleBuffer().get(values);
      params = Nd4j.createFromArray(values);
    }
    MultiLayerNetwork net = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(configuration));
    net.init(params.reshape(1, params.length()), false);
    return net;
  }
}
