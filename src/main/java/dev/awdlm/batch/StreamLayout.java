package dev.awdlm.batch;

import java.io.Serializable;

/**
 * How one split's token stream (positions 0..tokens-1) is cut into DataSet files of
 * {@code rows} parallel streams. Interval {@code q} is row {@code row(q)} of file {@code file(q)}:
 * its features are positions {@code [start, start+length)} and its labels the same shifted by one,
 * so it reads {@code length+1} tokens. Intervals are numbered in increasing start order.
 *
 * <ul>
 *   <li>{@link #train}: contiguous shards of {@code rows*length} tokens; inside a shard row r is the
 *       r-th consecutive piece (awd-lstm-lm's batchify applied per shard). Independent DataSets
 *       let workers train in parallel; hidden state carries across the BPTT windows in one file.
 *   <li>{@link #eval}: batchify over the whole split (row r is the r-th of {@code rows} equal
 *       parts) and files are consecutive time chunks, so evaluation can carry state across files.
 * </ul>
 */
public final class StreamLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  private final boolean sharded;
  private final int rows;
  private final int length;
  private final int files;
  /** Eval only: tokens per row (awd's nbatch). */
  private final long rowTokens;

  private StreamLayout(boolean sharded, int rows, int length, int files, long rowTokens) {
    this.sharded = sharded;
    this.rows = rows;
    this.length = length;
    this.files = files;
    this.rowTokens = rowTokens;
  }

  /** Shards of {@code rows x length}; the tail that does not fill a shard is dropped. */
  public static StreamLayout train(long tokens, int rows, int length) {
    long shards = (tokens - 1) / ((long) rows * length);
    if (shards > Integer.MAX_VALUE) throw new IllegalArgumentException("too many shards: " + shards);
    return new StreamLayout(true, rows, length, (int) shards, 0);
  }

  /** awd-lstm-lm's batchify(data, rows), then chunks of {@code length} time steps. */
  public static StreamLayout eval(long tokens, int rows, int length) {
    long perRow = tokens / rows;
    int chunks = perRow < 2 ? 0 : (int) ((perRow - 1 + length - 1) / length);
    return new StreamLayout(false, rows, length, chunks, perRow);
  }

  public int files() {
    return files;
  }

  public int rows() {
    return rows;
  }

  /** Time steps in {@code file}; the last eval chunk may be shorter. */
  public int length(int file) {
    return sharded ? length : (int) Math.min(length, rowTokens - 1 - (long) file * length);
  }

  /** Tokens that get a prediction (labels) across all files. */
  public long predictedTokens() {
    return sharded ? (long) files * rows * length : (long) rows * Math.max(0, rowTokens - 1);
  }

  public int intervals() {
    return files * rows;
  }

  public int file(int q) {
    return sharded ? q / rows : q % files;
  }

  public int row(int q) {
    return sharded ? q % rows : q / files;
  }

  public long start(int q) {
    return sharded
        ? (long) q * length
        : row(q) * rowTokens + (long) file(q) * length;
  }

  /** Last position (inclusive) that interval q reads: its final label. */
  public long end(int q) {
    return start(q) + length(file(q));
  }

  /** The first interval whose end is at or after {@code position}; ends increase with q. */
  public int firstIntervalEndingAtOrAfter(long position) {
    int lo = 0;
    int hi = intervals();
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (end(mid) < position) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
