package dev.awdlm.train;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
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
 * complete, so a crash mid-write leaves no directory that looks finished.
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
    Path target = epochDir(layout, state.epoch());
    writeDirectory(target, state, net, average, conf);
    prune(layout, conf);
  }

  /** Replaces {@code best/} with this network (whose parameters are the ones that were validated). */
  public static void writeBest(RunLayout layout, State state, MultiLayerNetwork net, Configuration conf) {
    Path target = best(layout);
    Path old = new Path(layout.checkpoints(), ".best.old");
    FileSystem fs = HadoopFs.fs(target, conf);
    try {
      fs.delete(old, true);
      if (fs.exists(target) && !fs.rename(target, old)) throw new IOException("cannot move " + target + " aside");
      writeDirectory(target, state, net, null, conf);
      fs.delete(old, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void writeDirectory(Path target, State state, MultiLayerNetwork net, INDArray average, Configuration conf) {
    Path staging = new Path(target.getParent(), "." + target.getName() + ".tmp");
    FileSystem fs = HadoopFs.fs(target, conf);
    try {
      fs.delete(staging, true);
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
        out.write(Json.pretty(state).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      fs.delete(target, true); // an older attempt at this epoch, e.g. before a rollback
      HadoopFs.publishDirectory(staging, target, conf);
    } catch (IOException e) {
      HadoopFs.deleteQuietly(fs, staging);
      throw new UncheckedIOException("cannot write checkpoint " + target, e);
    }
  }

  private static void prune(RunLayout layout, Configuration conf) {
    List<Path> dirs = epochDirs(layout, conf);
    FileSystem fs = HadoopFs.fs(layout.checkpoints(), conf);
    for (int i = 0; i + KEEP < dirs.size(); i++) HadoopFs.deleteQuietly(fs, dirs.get(i));
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
    out.sort(Comparator.comparing(Path::getName));
    return out;
  }

  public static boolean any(RunLayout layout, Configuration conf) {
    return !epochDirs(layout, conf).isEmpty();
  }

  /**
   * The newest checkpoint that reads back completely. A corrupt or partial one (a truncated model,
   * a missing or invalid state file) is skipped with a warning in favour of the one before.
   */
  public static Optional<Loaded> latest(RunLayout layout, Configuration conf) {
    List<Path> dirs = epochDirs(layout, conf);
    for (int i = dirs.size() - 1; i >= 0; i--) {
      try {
        return Optional.of(read(dirs.get(i), conf));
      } catch (RuntimeException | IOException e) {
        LOG.warn("checkpoint {} is unreadable ({}); trying the one before", dirs.get(i), e.getMessage());
      }
    }
    return Optional.empty();
  }

  static Loaded read(Path dir, Configuration conf) throws IOException {
    FileSystem fs = HadoopFs.fs(dir, conf);
    State state = Json.read(new Path(dir, STATE), State.class, conf);
    MultiLayerNetwork net;
    try (InputStream in = fs.open(new Path(dir, MODEL))) {
      net = ModelSerializer.restoreMultiLayerNetwork(in, true);
    }
    INDArray average = null;
    Path avg = new Path(dir, AVERAGE);
    if (fs.exists(avg)) {
      try (InputStream in = fs.open(avg)) {
        average = Nd4j.read(in);
      }
      if (average.length() != net.numParams()) {
        throw new IOException(avg + " has " + average.length() + " values, the model " + net.numParams());
      }
    } else if (state.asgdCount() > 0) {
      throw new IOException(avg + " is missing although NT-ASGD had averaged " + state.asgdCount() + " iterates");
    }
    return new Loaded(dir, state, net, average);
  }
}
