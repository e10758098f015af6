package dev.awdlm.eval;

import dev.awdlm.batch.StreamExporter;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import dev.awdlm.model.AwdLstmLayerImpl;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Stateful perplexity over an eval split exported as consecutive time chunks: hidden state carries
 * from window to window and from file to file, in inference mode (no dropout). Each row of the
 * files is one contiguous chunk of the text and starts from a zero state.
 */
public final class PerplexityEvaluator {
  /** Probabilities below this are clamped so one underflowed softmax entry cannot give infinity. */
  static final double MIN_PROBABILITY = Float.MIN_VALUE;

  private final int window;

  /** @param window time steps per forward call (bounds the {@code [rows, vocab, window]} output) */
  public PerplexityEvaluator(int window) {
    this.window = window;
  }

  /** Every row of the files. */
  public Perplexity evaluate(MultiLayerNetwork net, List<Path> files, Configuration conf) {
    return evaluate(net, files, conf, 0, Integer.MAX_VALUE);
  }

  /** Rows {@code [fromRow, toRow)} of every file (clipped to the rows there are), in file order. */
  public Perplexity evaluate(MultiLayerNetwork net, List<Path> files, Configuration conf, int fromRow, int toRow) {
    net.rnnClearPreviousState();
    Perplexity total = new Perplexity(0, 0);
    try {
      for (Path file : files) total = total.plus(evaluate(net, rows(StreamExporter.read(file, conf), fromRow, toRow)));
    } finally {
      net.rnnClearPreviousState();
    }
    return total;
  }

  private static DataSet rows(DataSet ds, int fromRow, int toRow) {
    long rows = ds.getFeatures().size(0);
    int to = (int) Math.min(rows, toRow);
    if (fromRow == 0 && to == rows) return ds;
    if (fromRow >= to) throw new IllegalArgumentException("rows [" + fromRow + ", " + toRow + ") of a DataSet with " + rows);
    return new DataSet(
        ds.getFeatures().get(NDArrayIndex.interval(fromRow, to), NDArrayIndex.all(), NDArrayIndex.all()).dup('c'),
        ds.getLabels().get(NDArrayIndex.interval(fromRow, to), NDArrayIndex.all(), NDArrayIndex.all()).dup('c'));
  }

  /** Continues from the network's current recurrent state. */
  public Perplexity evaluate(MultiLayerNetwork net, DataSet ds) {
    INDArray features = ds.getFeatures();
    INDArray labels = ds.getLabels();
    long rows = features.size(0);
    long length = features.size(2);
    double nll = 0;
    AwdLstmLayerImpl awd = net.getnLayers() == 1 && net.getLayer(0) instanceof AwdLstmLayerImpl a ? a : null;
    for (long t0 = 0; t0 < length; t0 += window) {
      long t1 = Math.min(length, t0 + window);
      INDArray in = features.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t0, t1)).dup('c');
      if (awd != null) {
        // The AWD-LSTM layer scores the labels itself, without materialising probabilities.
        nll += awd.scoreTimeStep(in, labels.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t0, t1)).dup('c'));
        continue;
      }
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
