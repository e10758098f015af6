package dev.awdlm.eval;

import dev.awdlm.batch.StreamExporter;
import dev.awdlm.model.AwdLstmLayerImpl;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Stateful perplexity over an eval split exported as consecutive time chunks: hidden state carries
 * from window to window and from file to file, in inference mode (no dropout). Each row of the
 * files is one stream of the text and starts from a zero state at its first file. A {@link Chunk}
 * that starts later in its stream first runs, unscored, over the tokens just before it, so that
 * its state (and the cache pointer's memory) is close to what one pass over the stream would have.
 */
public final class PerplexityEvaluator {
  /** Probabilities below this are clamped so one underflowed softmax entry cannot give infinity. */
  static final double MIN_PROBABILITY = Float.MIN_VALUE;

  private final int window;

  /** @param window time steps per forward call (bounds the {@code [rows, vocab, window]} output) */
  public PerplexityEvaluator(int window) {
    if (window < 1) throw new IllegalArgumentException("window " + window + " < 1");
    this.window = window;
  }

  /**
   * What one task evaluates: rows {@code [fromRow, toRow)} of files {@code [fromFile, toFile)},
   * after running over the last {@code warmup} steps before {@code fromFile} (0 at a stream's start).
   */
  public record Chunk(int fromRow, int toRow, int fromFile, int toFile, int warmup) {
    public Chunk {
      if (fromRow >= toRow || fromFile >= toFile || warmup < 0 || (fromFile == 0 && warmup > 0)) {
        throw new IllegalArgumentException("bad chunk rows [" + fromRow + ", " + toRow + ") files [" + fromFile + ", "
            + toFile + ") warm-up " + warmup);
      }
    }
  }

  /** The pointer settings to score a chunk under: one memory per stream, every (theta, lambda) of the grid. */
  public record PointerGrid(int window, double[] thetas, double[] lambdas) implements java.io.Serializable {}

  /**
   * A chunk's summed NLL.
   *
   * @param pointer the same tokens under every setting of the pointer grid; null without one
   */
  public record Scored(Perplexity plain, CachePointer.Grid pointer) {
    public Scored plus(Scored other) {
      return new Scored(plain.plus(other.plain), pointer == null ? null : pointer.plus(other.pointer));
    }
  }

  /** Every row of the files. */
  public Perplexity evaluate(MultiLayerNetwork net, List<Path> files, Configuration conf) {
    return evaluate(net, files, conf, 0, Integer.MAX_VALUE);
  }

  /** Rows {@code [fromRow, toRow)} of every file (clipped to the rows there are), in file order. */
  public Perplexity evaluate(MultiLayerNetwork net, List<Path> files, Configuration conf, int fromRow, int toRow) {
    return evaluate(net, files, conf, new Chunk(fromRow, toRow, 0, files.size(), 0), null).plain();
  }

  /** One chunk of the files, with the pointer grid when {@code pointer} is not null (the AWD-LSTM only). */
  public Scored evaluate(MultiLayerNetwork net, List<Path> files, Configuration conf, Chunk chunk, PointerGrid pointer) {
    AwdLstmLayerImpl awd = awd(net);
    if (pointer != null && awd == null) throw new IllegalArgumentException("the cache pointer needs the AWD-LSTM layer");
    Tally tally = new Tally(pointer);
    net.rnnClearPreviousState();
    try (AwdLstmLayerImpl.Scorer scorer = awd == null ? null : awd.scorer()) {
      if (chunk.warmup() > 0) {
        tally.scoring = false;
        run(net, scorer, warmup(files, conf, chunk), tally);
        tally.scoring = true;
      }
      for (Path file : files.subList(chunk.fromFile(), chunk.toFile())) {
        run(net, scorer, rows(StreamExporter.read(file, conf), chunk.fromRow(), chunk.toRow()), tally);
      }
    } finally {
      net.rnnClearPreviousState();
    }
    return new Scored(tally.plain, tally.grid);
  }

  /** Continues from the network's current recurrent state. */
  public Perplexity evaluate(MultiLayerNetwork net, DataSet ds) {
    AwdLstmLayerImpl awd = awd(net);
    Tally tally = new Tally(null);
    try (AwdLstmLayerImpl.Scorer scorer = awd == null ? null : awd.scorer()) {
      run(net, scorer, ds, tally);
    }
    return tally.plain;
  }

  private static AwdLstmLayerImpl awd(MultiLayerNetwork net) {
    return net.getnLayers() == 1 && net.getLayer(0) instanceof AwdLstmLayerImpl a ? a : null;
  }

  /** What a chunk has scored so far; while {@code scoring} is off (the warm-up) it only remembers. */
  private static final class Tally {
    Perplexity plain = new Perplexity(0, 0);
    final PointerGrid pointer;
    final CachePointer.Grid grid;
    CachePointer.Memory[] memories; // one per stream, made with the first window
    boolean scoring = true;

    Tally(PointerGrid pointer) {
      this.pointer = pointer;
      grid = pointer == null ? null : new CachePointer.Grid(pointer.thetas(), pointer.lambdas());
    }

    CachePointer.Memory memory(int row, int hidden, int rows) {
      if (memories == null) {
        memories = new CachePointer.Memory[rows];
        for (int r = 0; r < rows; r++) memories[r] = new CachePointer.Memory(pointer.window(), hidden);
      }
      return memories[row];
    }
  }

  /** @param scorer the AWD-LSTM layer's, or null for other nets */
  private void run(MultiLayerNetwork net, AwdLstmLayerImpl.Scorer scorer, DataSet ds, Tally tally) {
    INDArray features = ds.getFeatures();
    INDArray labels = ds.getLabels();
    long length = features.size(2);
    for (long t0 = 0; t0 < length; t0 += window) {
      long t1 = Math.min(length, t0 + window);
      INDArray in = features.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t0, t1)).dup('c');
      INDArray out = labels.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(t0, t1)).dup('c');
      if (tally.grid != null) {
        point(scorer.scoreTimeStepInDetail(in, out), out, tally);
      } else if (scorer != null) {
        // The AWD-LSTM layer scores the labels itself, without materialising probabilities.
        double nll = scorer.scoreTimeStep(in, out);
        if (tally.scoring) tally.plain = tally.plain.plus(new Perplexity(nll, out.length()));
      } else {
        INDArray probs = net.rnnTimeStep(in);
        if (tally.scoring) tally.plain = tally.plain.plus(new Perplexity(nll(probs, out), out.length()));
      }
    }
  }

  private static double nll(INDArray probs, INDArray labels) {
    double nll = 0;
    for (long b = 0; b < labels.size(0); b++) {
      for (long t = 0; t < labels.size(2); t++) {
        long label = (long) labels.getDouble(b, 0, t);
        nll -= Math.log(Math.max(MIN_PROBABILITY, probs.getDouble(b, label, t)));
      }
    }
    return nll;
  }

  /** One window under the pointer: every token scored against its stream's memory, then remembered. */
  private static void point(AwdLstmLayerImpl.ScoredWindow w, INDArray labels, Tally tally) {
    int rows = (int) labels.size(0);
    int steps = (int) labels.size(2);
    double nll = 0;
    for (int t = 0; t < steps; t++) {
      for (int b = 0; b < rows; b++) {
        int i = t * rows + b;
        int target = (int) labels.getDouble(b, 0, t);
        CachePointer.Memory memory = tally.memory(b, w.hidden(), rows);
        if (tally.scoring) {
          tally.grid.score(memory, w.states(), i * w.hidden(), target, -w.tokenNll()[i]);
          nll += w.tokenNll()[i];
        } else {
          memory.add(w.states(), i * w.hidden(), target);
        }
      }
    }
    if (tally.scoring) tally.plain = tally.plain.plus(new Perplexity(nll, (long) rows * steps));
  }

  /**
   * The last {@code chunk.warmup()} steps before the chunk's first file, for its rows: the tails of
   * as many earlier files as it takes, joined along time.
   */
  private static DataSet warmup(List<Path> files, Configuration conf, Chunk chunk) {
    List<INDArray> features = new ArrayList<>();
    List<INDArray> labels = new ArrayList<>();
    int needed = chunk.warmup();
    for (int f = chunk.fromFile() - 1; f >= 0 && needed > 0; f--) {
      DataSet ds = rows(StreamExporter.read(files.get(f), conf), chunk.fromRow(), chunk.toRow());
      long length = ds.getFeatures().size(2);
      long from = Math.max(0, length - needed);
      features.add(0, ds.getFeatures().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, length)));
      labels.add(0, ds.getLabels().get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(from, length)));
      needed -= (int) (length - from);
    }
    return new DataSet(Nd4j.concat(2, features.toArray(INDArray[]::new)).dup('c'),
        Nd4j.concat(2, labels.toArray(INDArray[]::new)).dup('c'));
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
}
