package dev.awdlm.batch;

import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.SerializableHadoopConf;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.nd4j.linalg.dataset.DataSet;
import scala.Tuple2;

/**
 * Writes an encoded token stream as DataSet files following a {@link StreamLayout}: features
 * {@code [rows, 1, length]} of token ids and labels {@code [rows, 1, length]} of next-token ids
 * (sparse class indices, as LossSparseMCXENT takes them). Each input partition cuts its tokens into
 * {@link Segment}s as it streams them; one shuffle groups them by file, so no token stream is
 * collected on the driver.
 */
public final class StreamExporter {
  public static final String SUFFIX = ".bin";

  private StreamExporter() {}

  /** Name of DataSet file {@code index}; zero-padded so name order is stream order. */
  public static String fileName(int index) {
    return String.format("part-%06d%s", index, SUFFIX);
  }

  /**
   * @param tokens the token stream in pieces (chunks of encoded lines), in stream order
   * @param partitionStarts stream position of each partition's first token
   * @return tokens written per file, indexed by file
   */
  public static long[] export(JavaRDD<int[]> tokens, long[] partitionStarts, StreamLayout layout, Path dir,
      Broadcast<SerializableHadoopConf> hadoopConf) {
    if (layout.files() == 0) return new long[0];
    int reducers = Math.max(1, Math.min(layout.files(), tokens.getNumPartitions() * 2));
    List<Tuple2<Integer, Long>> written = tokens
        .mapPartitionsWithIndex((index, lines) -> segments(lines, partitionStarts[index], layout), true)
        .mapToPair(s -> new Tuple2<>(s.file(), s))
        .groupByKey(reducers)
        .map(group -> new Tuple2<>(group._1(), write(group._1(), group._2(), layout, dir, hadoopConf.value())))
        .collect();
    long[] perFile = new long[layout.files()];
    for (Tuple2<Integer, Long> w : written) perFile[w._1()] = w._2();
    for (int f = 0; f < perFile.length; f++) {
      if (perFile[f] == 0) throw new IllegalStateException("DataSet file " + f + " received no tokens");
    }
    return perFile;
  }

  /**
   * Cuts one partition's tokens, which start at stream position {@code start}, into segments,
   * lazily: only the tokens of the interval being filled are held, so a partition may be larger
   * than memory (a gzip file is one partition).
   */
  static Iterator<Segment> segments(Iterator<int[]> lines, long start, StreamLayout layout) {
    return new SegmentCutter(lines, start, layout);
  }

  private static final class SegmentCutter implements Iterator<Segment> {
    private final Iterator<int[]> lines;
    private final StreamLayout layout;
    private final ArrayDeque<Segment> ready = new ArrayDeque<>();
    private int[] buf = new int[1 << 12];
    private int n; // tokens in buf
    private long bufStart; // stream position of buf[0]
    private int q; // the next interval to cut
    private boolean done;

    SegmentCutter(Iterator<int[]> lines, long start, StreamLayout layout) {
      this.lines = lines;
      this.layout = layout;
      this.bufStart = start;
      this.q = layout.firstIntervalEndingAtOrAfter(start);
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && !done) advance();
      return !ready.isEmpty();
    }

    @Override
    public Segment next() {
      if (!hasNext()) throw new java.util.NoSuchElementException();
      return ready.poll();
    }

    private void advance() {
      if (!lines.hasNext()) {
        // The partition ends inside interval q (and possibly touches q+1's first token).
        while (q < layout.intervals() && layout.start(q) < bufStart + n) cut(q++, bufStart + n);
        done = true;
        return;
      }
      int[] line = lines.next();
      if (n + line.length > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, n + line.length));
      System.arraycopy(line, 0, buf, n, line.length);
      n += line.length;
      while (q < layout.intervals() && layout.end(q) < bufStart + n) {
        cut(q, layout.end(q) + 1);
        q++;
      }
      // Tokens before the next interval are cut already or belong to none (a dropped tail).
      long keepFrom = q < layout.intervals() ? Math.min(layout.start(q), bufStart + n) : bufStart + n;
      if (keepFrom > bufStart) {
        int drop = (int) (keepFrom - bufStart);
        System.arraycopy(buf, drop, buf, 0, n - drop);
        n -= drop;
        bufStart = keepFrom;
      }
    }

    /** Emits interval q's tokens from this partition, up to stream position {@code to} (exclusive). */
    private void cut(int interval, long to) {
      long from = Math.max(bufStart, layout.start(interval));
      if (from >= to) return;
      int[] slice = Arrays.copyOfRange(buf, (int) (from - bufStart), (int) (to - bufStart));
      ready.add(new Segment(layout.file(interval), layout.row(interval), (int) (from - layout.start(interval)), slice));
    }
  }

  private static long write(int file, Iterable<Segment> segments, StreamLayout layout, Path dir, SerializableHadoopConf conf)
      throws IOException {
    int rows = layout.rows();
    int len = layout.length(file);
    float[] features = new float[rows * len];
    float[] labels = new float[rows * len];
    int[] filled = new int[rows];
    for (Segment s : segments) {
      int[] t = s.tokens();
      for (int j = 0; j < t.length; j++) {
        int i = s.offset() + j; // position within the row's len+1 tokens
        if (i < len) features[s.row() * len + i] = t[j];
        if (i >= 1) labels[s.row() * len + i - 1] = t[j];
      }
      filled[s.row()] += t.length;
    }
    for (int r = 0; r < rows; r++) {
      if (filled[r] != len + 1) {
        throw new IllegalStateException("file " + file + " row " + r + ": got " + filled[r] + " tokens, expected " + (len + 1));
      }
    }
    // Task retries overwrite; readers only see the directory after the whole prepare succeeds.
    try (OutputStream os = HadoopFiles.create(new Path(dir, fileName(file)), conf.get())) {
      DataSetFile.write(os, features, labels, rows, len);
    }
    return (long) rows * len;
  }

  /** Reads a DataSet file written by {@link #export}. */
  public static DataSet read(Path file, org.apache.hadoop.conf.Configuration conf) {
    try (var in = HadoopFiles.open(file, conf)) {
      DataSet ds = new DataSet();
      ds.load(in);
      return ds;
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("cannot read DataSet file " + file + ": " + e.getMessage(), e);
    }
  }
}
