package dev.awdlm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import dev.awdlm.model.AwdLstmLayer;
import dev.awdlm.model.AwdLstmSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.Random;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;

/** What executors restore is the driver's network: same configuration, same parameters, same output. */
class BroadcastNetworkTest {
  private static final int V = 30;

  private static MultiLayerNetwork net(DataType type, long seed) {
    AwdLstmSpec spec = new AwdLstmSpec(V, 8, 12, 2, 0.4, 0.3, 0.65, 0.1, 0.5, true, 2, 1);
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).dataType(type)
        .updater(new NoOp()).list().layer(new AwdLstmLayer(spec)).build());
    net.init();
    // Every parameter distinct and nonzero (biases start at zero), so that a shifted or truncated copy shows.
    net.params().addi(Nd4j.rand(type, net.params().shape()).subi(0.5));
    return net;
  }

  private static INDArray tokens(DataType type) {
    Random r = new Random(3);
    INDArray a = Nd4j.create(type, 3, 1, 7);
    for (int b = 0; b < 3; b++) for (int t = 0; t < 7; t++) a.putScalar(new long[] {b, 0, t}, r.nextInt(V));
    return a;
  }

  /** Through Java serialization, as Spark's broadcast of it goes. */
  private static BroadcastNetwork overTheWire(BroadcastNetwork b) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(b);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (BroadcastNetwork) in.readObject();
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE"})
  void restoresTheSameNetwork(DataType type) throws Exception {
    MultiLayerNetwork net = net(type, 11);
    MultiLayerNetwork restored = overTheWire(BroadcastNetwork.of(net)).restore();

    assertEquals(net.getLayerWiseConfigurations().toJson(), restored.getLayerWiseConfigurations().toJson());
    assertEquals(type, restored.params().dataType());
    assertEquals(net.params(), restored.params());
    INDArray x = tokens(type);
    assertEquals(net.output(x, false), restored.output(x, false));
  }

  @Test
  void eachRestoreIsANetworkOfItsOwn() {
    MultiLayerNetwork net = net(DataType.FLOAT, 12);
    BroadcastNetwork b = BroadcastNetwork.of(net);
    INDArray before = net.params().dup();
    net.params().addi(1.0); // after of(): the broadcast holds the parameters of the time it was taken

    MultiLayerNetwork first = b.restore();
    MultiLayerNetwork second = b.restore();
    assertEquals(before, first.params());
    assertNotSame(first.params(), second.params());
    first.params().muli(2.0);
    assertEquals(before, second.params());
    assertNotEquals(before, first.params());
  }
}
