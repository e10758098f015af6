package dev.awdlm.eval;

import dev.awdlm.batch.StreamExporter;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Stateful perplexity over an eval split exported as consecutive time chunks: hidden state carries
 * from window to window and from file to file, in inference mode (no dropout).
 */
public final class PerplexityEvaluator {
  /** Probabilities below this are clamped so one underflowed softmax entry cannot give infinity. */
  static final double MIN_PROBABILITY = Float.MIN_VALUE;

  private final int window;

  /** @param window time steps per forward call (bounds the {@code [batch, vocab, window]} output) */
  public PerplexityEvaluator(int window) {
    this.window = window;
  }

  public Perplexity evaluate(MultiLayerNetwork net, List<Path> files, Configuration conf) {
    net.rnnClearPreviousState();
    Perplexity total = new Perplexity(0, 0);
    try {
      for (Path file : files) total = total.plus(evaluate(net, StreamExporter.read(file, conf)));
    } finally {
      net.rnnClearPreviousState();
    }
    return total;
  }

  /** Continues from the network's current recurrent state. */
  Perplexity evaluate(MultiLayerNetwork net, DataSet ds) {
    INDArray features = ds.getFeatures();
    INDArray labels = ds.getLabels();
    long rows = features.size(0);
    long length = features.size(2);
    double nll = 0;
    for (long t0 = 0; t0 < length; t0 += window) {
      long t1 = Math.min(length, t0 + window);
      INDArray in = features.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t0, t1)).dup('c');
      INDArray probs = net.rnnTimeStep(in);
      for (long b = 0; b < rows; b++) {
        for (long t = t0; t < t1; t++) {
          long label = (long) labels.getDouble(b, 0, t);
          nll -= Math.log(Math.max(MIN_PROBABILITY, probs.getDouble(b, label, t - t0)));
        }
      }
    }
    return new Perplexity(nll, rows * length);
  }
}
