package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.dropout.IDropout;
import org.deeplearning4j.nn.conf.dropout.SpatialDropout;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** bench model's baseline: the tied AWD-LSTM's widths and the dropouts DL4J has, and it trains. */
class StockBaselineTest {
  private static final int V = 30;

  private static AwdlmConfig config() {
    return ConfigLoader.load(null, List.of("model.emsize=6", "model.nhid=10", "model.nlayers=3", "model.tied=true",
        "model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65", "model.dropoute=0.1", "model.wdrop=0.5",
        "train.optimizer=sgd", "train.lr=1", "train.bptt=5", "train.batchSize=4"));
  }

  private static FeedForwardLayer layer(MultiLayerNetwork net, int i) {
    return (FeedForwardLayer) net.getLayerWiseConfigurations().getConf(i).getLayer();
  }

  @Test
  void widthsAreTheTiedAwdLstmsAndDropoutsAreDl4jsOwn() {
    AwdlmConfig c = config();
    MultiLayerNetwork net = LanguageModels.stockBaseline(c.model(), c.train(), V, 1);
    // embedding 30x6, LSTMs 6->10, 10->10, 10->6, decoder 6x30
    long[][] widths = {{V, 6}, {6, 10}, {10, 10}, {10, 6}, {6, V}};
    for (int i = 0; i < widths.length; i++) {
      assertEquals(widths[i][0], layer(net, i).getNIn(), "layer " + i + " in");
      assertEquals(widths[i][1], layer(net, i).getNOut(), "layer " + i + " out");
    }
    assertNull(layer(net, 0).getIDropout(), "DL4J has no embedding dropout");
    assertRetains(SpatialDropout.class, 0.35, layer(net, 1).getIDropout());
    assertRetains(SpatialDropout.class, 0.7, layer(net, 2).getIDropout());
    assertRetains(SpatialDropout.class, 0.7, layer(net, 3).getIDropout());
    assertRetains(Dropout.class, 0.6, layer(net, 4).getIDropout());
    assertTrue(layer(net, 1).getIDropout() != layer(net, 2).getIDropout(), "each layer keeps its own mask");
  }

  private static void assertRetains(Class<? extends IDropout> kind, double p, IDropout d) {
    assertInstanceOf(kind, d);
    double retain = d instanceof SpatialDropout s ? s.getP() : ((Dropout) d).getP();
    assertEquals(p, retain, 1e-12);
  }

  @Test
  void itTrainsWithTruncatedBptt() {
    AwdlmConfig c = config();
    MultiLayerNetwork net = LanguageModels.stockBaseline(c.model(), c.train(), V, 1);
    Random r = new Random(3);
    INDArray features = Nd4j.zeros(4, 1, 15);
    INDArray labels = Nd4j.zeros(4, 1, 15);
    for (int b = 0; b < 4; b++) {
      for (int t = 0; t < 15; t++) {
        features.putScalar(new int[] {b, 0, t}, r.nextInt(V));
        labels.putScalar(new int[] {b, 0, t}, r.nextInt(V));
      }
    }
    INDArray before = net.params().dup();
    net.fit(new DataSet(features, labels));
    assertTrue(Double.isFinite(net.score()));
    assertTrue(net.params().sub(before).norm2Number().doubleValue() > 0, "one fit changed the weights");
  }
}
