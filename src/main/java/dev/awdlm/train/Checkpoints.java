package dev.awdlm.train;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run's checkpoints under {@code <run>/checkpoints/}: one {@code epoch-NNNN/} directory per
 * finished epoch (the newest {@value #KEEP} are kept) and {@code best/}, the model with the lowest
 * validation perplexity. A checkpoint is written in a hidden staging directory and renamed when
 * complete, so a crash mid-write leaves no directory that looks finished; one it replaces is
 * deleted only after the new one is in place.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  static final int KEEP = 2;
  static final String MODEL = "model.zip";
  static final String AVERAGE = "asgd-average.bin";
  static final String STATE = "state.json";

  private Checkpoints() {}

  /**
   * Everything besides the network that a resumed run needs.
   *
   * @param epoch the last finished epoch
   * @param configHash hash of the config that wrote it
   * @param lrScale product of the divergence guard's halvings
   * @param valHistory validation perplexity of every finished epoch, for the NT-ASGD trigger
   */
  public record State(int epoch, String configHash, double lrScale, int rollbacks, int asgdTriggerEpoch, long asgdCount,
      List<Double> valHistory, double bestValPpl, int bestEpoch, double trainSeconds, List<EpochMetrics> epochs) {}

  /** A checkpoint read back: the network (with its updater state) and the NT-ASGD average, if any. */
  public record Loaded(Path dir, State state, MultiLayerNetwork net, INDArray asgdAverage) {}

  static Path epochDir(RunLayout layout, int epoch) {
    return new Path(layout.checkpoints(), String.format("epoch-%04d", epoch));
  }

  public static Path best(RunLayout layout) {
    return new Path(layout.checkpoints(), "best");
  }

  public static void write(RunLayout layout, State state, MultiLayerNetwork net, INDArray average, Configuration conf) {
    writeDirectory(epochDir(layout, state.epoch()), state, net, average, conf);
    prune(layout, state.epoch(), conf);
  }

  /** Replaces {@code best/} with this network (whose parameters are the ones that were validated). */
  public static void writeBest(RunLayout layout, State state, MultiLayerNetwork net, Configuration conf) {
    recoverBest(layout, conf);
    writeDirectory(best(layout), state, net, null, conf);
  }

  /** Puts {@code best/} back from its aside copy when a crash fell between the two renames of its swap. */
  public static void recoverBest(RunLayout layout, Configuration conf) {
    Path best = best(layout);
    Path aside = aside(best);
    FileSystem fs = HadoopFs.fs(best, conf);
    try {
      if (!fs.exists(best) && fs.exists(aside)) rename(fs, aside, best);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore " + best + " from " + aside, e);
    }
  }

  private static Path aside(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".old");
  }

  private static void writeDirectory(Path target, State state, MultiLayerNetwork net, INDArray average, Configuration conf) {
    Path staging = new Path(target.getParent(), "." + target.getName() + ".tmp");
    FileSystem fs = HadoopFs.fs(target, conf);
    try {
      fs.delete(staging, true); // what a crashed write of this target left
      fs.mkdirs(staging);
      try (OutputStream out = fs.create(new Path(staging, MODEL), true)) {
        ModelSerializer.writeModel(net, out, true);
      }
      if (average != null) {
        try (OutputStream out = fs.create(new Path(staging, AVERAGE), true)) {
          Nd4j.write(out, average);
        }
      }
      // state.json last: its presence is what a reader checks first
      try (OutputStream out = fs.create(new Path(staging, STATE), true)) {
        out.write(Json.pretty(state).getBytes(StandardCharsets.UTF_8));
      }
      swapIn(fs, staging, target);
    } catch (IOException e) {
      HadoopFs.deleteQuietly(fs, staging);
      throw new UncheckedIOException("cannot write checkpoint " + target, e);
    }
  }

  /**
   * Moves a complete staging directory to {@code target}. A target already there (the previous
   * best, or an epoch a resume skipped as corrupt and has now trained again) is moved aside first
   * and deleted only once the new one is in place, so a crash leaves one of the two complete.
   */
  private static void swapIn(FileSystem fs, Path staging, Path target) throws IOException {
    Path aside = aside(target);
    if (fs.exists(target)) {
      fs.delete(aside, true); // a finished swap's leftover: target is complete
      rename(fs, target, aside);
    }
    try {
      rename(fs, staging, target);
    } catch (IOException e) {
      if (!fs.exists(target) && fs.exists(aside)) fs.rename(aside, target);
      throw e;
    }
    HadoopFs.deleteQuietly(fs, aside);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
  }

  /**
   * Deletes the epochs before {@code written} but the newest {@value #KEEP} up to it. A later epoch
   * is never deleted: this run has not replaced it (it is one a resume skipped as corrupt, kept
   * until its epoch is trained again).
   */
  private static void prune(RunLayout layout, int written, Configuration conf) {
    List<Path> older = epochDirs(layout, conf).stream().filter(d -> epochOf(d) < written).toList();
    FileSystem fs = HadoopFs.fs(layout.checkpoints(), conf);
    for (int i = 0; i + KEEP - 1 < older.size(); i++) HadoopFs.deleteQuietly(fs, older.get(i));
  }

  private static int epochOf(Path dir) {
    return Integer.parseInt(dir.getName().substring("epoch-".length()));
  }

  /** Finished epoch directories, oldest first. */
  static List<Path> epochDirs(RunLayout layout, Configuration conf) {
    List<Path> out = new ArrayList<>();
    FileSystem fs = HadoopFs.fs(layout.checkpoints(), conf);
    try {
      if (!fs.exists(layout.checkpoints())) return out;
      for (FileStatus s : fs.listStatus(layout.checkpoints())) {
        if (s.isDirectory() && s.getPath().getName().matches("epoch-\\d{4,}")) out.add(s.getPath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + layout.checkpoints(), e);
    }
    out.sort(Comparator.comparingInt(Checkpoints::epochOf));
    return out;
  }

  public static boolean any(RunLayout layout, Configuration conf) {
    return !epochDirs(layout, conf).isEmpty();
  }

  /**
   * The newest checkpoint that reads back completely. A corrupt or partial one (a truncated, empty
   * or missing file, invalid content) is skipped with a warning in favour of the one before. One the
   * filesystem fails to read (a timeout, a lost connection) stops the search instead: skipping it
   * would resume from older work, and the resumed run would then overwrite it.
   *
   * @throws UncheckedIOException naming the checkpoint and the cause, when the filesystem fails
   */
  public static Optional<Loaded> latest(RunLayout layout, Configuration conf) {
    List<Path> dirs = epochDirs(layout, conf);
    for (int i = dirs.size() - 1; i >= 0; i--) {
      try {
        return Optional.of(read(dirs.get(i), conf));
      } catch (CorruptException e) {
        LOG.warn("checkpoint {} is corrupt or partial ({}); trying the one before", dirs.get(i), e.getMessage());
      }
    }
    return Optional.empty();
  }

  static Loaded read(Path dir, Configuration conf) throws CorruptException {
    FileSystem fs = HadoopFs.fs(dir, conf);
    State state = parse(fs, dir, STATE, in -> Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), State.class, STATE));
    MultiLayerNetwork net = parse(fs, dir, MODEL, in -> ModelSerializer.restoreMultiLayerNetwork(in, true));
    INDArray average = null;
    if (exists(fs, dir, AVERAGE)) {
      average = parse(fs, dir, AVERAGE, Nd4j::read);
      if (average.length() != net.numParams()) {
        throw new CorruptException(AVERAGE + " has " + average.length() + " values, the model " + net.numParams());
      }
    } else if (state.asgdCount() > 0) {
      throw new CorruptException(AVERAGE + " is missing although NT-ASGD had averaged " + state.asgdCount() + " iterates");
    }
    return new Loaded(dir, state, net, average);
  }

  /** A checkpoint file that was read whole but is not valid: truncated, partial or garbled. */
  static final class CorruptException extends Exception {
    CorruptException(String message) {
      super(message);
    }
  }

  @FunctionalInterface
  private interface Parser<T> {
    T parse(InputStream in) throws Exception;
  }

  /**
   * Parses the file {@code name} of checkpoint {@code dir}. Exception types cannot tell a failing
   * filesystem from a damaged file (a truncated zip fails with an IOException too), so the stream is
   * watched: if the filesystem threw, the file could not be read; any other failure is corruption.
   */
  private static <T> T parse(FileSystem fs, Path dir, String name, Parser<T> parser) throws CorruptException {
    if (!exists(fs, dir, name)) throw new CorruptException(name + " is missing");
    WatchedStream in;
    try {
      in = new WatchedStream(fs.open(new Path(dir, name)));
    } catch (IOException e) {
      throw unreadable(dir, name, e);
    }
    try (in) {
      return parser.parse(in);
    } catch (Exception e) {
      if (in.failure != null) throw unreadable(dir, name, in.failure);
      throw new CorruptException(name + ": " + e);
    }
  }

  private static boolean exists(FileSystem fs, Path dir, String name) {
    try {
      return fs.exists(new Path(dir, name));
    } catch (IOException e) {
      throw unreadable(dir, name, e);
    }
  }

  private static UncheckedIOException unreadable(Path dir, String name, IOException cause) {
    return new UncheckedIOException("cannot read checkpoint " + dir + " (" + name + ": " + cause.getMessage()
        + "): the filesystem failed, so it is not skipped as corrupt; resume again once the filesystem answers", cause);
  }

  /** A filesystem stream that remembers the first IOException it threw. */
  private static final class WatchedStream extends FilterInputStream {
    IOException failure;

    WatchedStream(InputStream in) {
      super(in);
    }

    private IOException seen(IOException e) {
      if (failure == null) failure = e;
      return e;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public int available() throws IOException {
      try {
        return super.available();
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } catch (IOException e) {
        throw seen(e);
      }
    }
  }
}
