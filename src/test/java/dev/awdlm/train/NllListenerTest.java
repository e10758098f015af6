package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a worker reports per window is the NLL of the labels alone, for both model kinds: with
 * AR, TAR and weight decay switched on (so DL4J's score is larger) and a rate too small to move a
 * float weight, the reported sum over a DataSet's windows equals the NLL of the same labels read
 * off the network's own next-token probabilities, with the state carried across the windows.
 */
class NllListenerTest {
  private static final int VOCAB = 40;
  private static final int BATCH = 3;
  @TempDir Path tmp;

  private AwdlmConfig config(String kind) {
    return ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf")).toFile(), List.of(
        "model.kind=" + kind, "model.dropout=0", "train.optimizer=sgd", "train.lr=1e-30", "train.clip=0",
        "train.alpha=2", "train.beta=1", "train.wdecay=0.5"));
  }

  private static DataSet twoWindows(int bptt) {
    Random r = new Random(7);
    INDArray f = Nd4j.create(DataType.FLOAT, BATCH, 1, 2 * bptt);
    INDArray l = Nd4j.create(DataType.FLOAT, BATCH, 1, 2 * bptt);
    for (int i = 0; i < f.length(); i++) {
      f.putScalar(i, r.nextInt(VOCAB));
      l.putScalar(i, r.nextInt(VOCAB));
    }
    return new DataSet(f, l);
  }

  /** -sum log p(label) over the whole sequence, from rnnTimeStep's probabilities. */
  private static double nllOf(MultiLayerNetwork net, DataSet ds) {
    net.rnnClearPreviousState();
    INDArray p = net.rnnTimeStep(ds.getFeatures());
    net.rnnClearPreviousState();
    double nll = 0;
    for (int b = 0; b < p.size(0); b++) {
      for (int t = 0; t < p.size(2); t++) nll -= Math.log(p.getDouble(b, (long) ds.getLabels().getDouble(b, 0, t), t));
    }
    return nll;
  }

  @ParameterizedTest
  @ValueSource(strings = {"awd-lstm", "lstm"})
  void theReportedNllIsTheLabelsNllWithoutRegularization(String kind) {
    AwdlmConfig config = config(kind);
    MultiLayerNetwork net = LanguageModels.of(config.model(), config.train(), VOCAB, LearningRateSchedule.initial(config.train()));
    DataSet ds = twoWindows(config.train().bptt());
    double expected = nllOf(net.clone(), ds);

    RoundCollector collector = new RoundCollector();
    NllListener listener = new NllListener();
    listener.setStorageRouter(collector);
    listener.setWorkerID("w0");
    net.setListeners(listener);
    net.fit(ds);
    RoundCollector.Tally tally = collector.drain();

    assertEquals(ds.getLabels().length(), tally.tokens());
    assertEquals(1, tally.workers());
    assertEquals(expected, tally.nllSum(), 1e-4 * expected, kind);
    assertTrue(net.score() > tally.nllSum() / tally.tokens() + 0.1,
        "the last window's score (" + net.score() + ") carries the regularization the NLL leaves out");
  }
}
