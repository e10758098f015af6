package dev.awdlm.train;

import dev.awdlm.io.Directories;
import dev.awdlm.io.FileParser;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
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
 * validation perplexity. Each is written whole or not at all ({@link Directories#write}); a
 * replaced one (the previous best, or an epoch a resume skipped as corrupt and has now trained
 * again) is deleted only after the new one is in place. Every filesystem call goes through
 * {@code io}.
 */
public final class Checkpoints {
  private static final Logger LOG = LoggerFactory.getLogger(Checkpoints.class);
  static final int KEEP = 2;
  private static final String MODEL = RunLayout.MODEL_FILE;
  private static final String AVERAGE = RunLayout.CHECKPOINT_AVERAGE_FILE;
  private static final String STATE = RunLayout.CHECKPOINT_STATE_FILE;

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

  public static void write(RunLayout layout, State state, MultiLayerNetwork net, INDArray average, Configuration conf) {
    writeDirectory(layout.checkpoint(state.epoch()), state, net, average, conf);
    prune(layout, state.epoch(), conf);
  }

  /** Replaces {@code best/} with this network (whose parameters are the ones that were validated). */
  public static void writeBest(RunLayout layout, State state, MultiLayerNetwork net, Configuration conf) {
    recoverBest(layout, conf);
    writeDirectory(layout.bestCheckpoint(), state, net, null, conf);
  }

  /** Puts {@code best/} back from its aside copy when a crash fell between the two renames of its swap. */
  public static void recoverBest(RunLayout layout, Configuration conf) {
    Directories.recover(layout.bestCheckpoint(), conf);
  }

  private static void writeDirectory(Path target, State state, MultiLayerNetwork net, INDArray average, Configuration conf) {
    try {
      Directories.write(target, conf, dir -> {
        dir.file(MODEL, out -> ModelSerializer.writeModel(net, out, true));
        if (average != null) dir.file(AVERAGE, out -> Nd4j.write(out, average));
        // state.json last: its presence is what a reader checks first
        dir.file(STATE, out -> out.write(Json.pretty(state).getBytes(StandardCharsets.UTF_8)));
      });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + target, e);
    }
  }

  /**
   * Deletes the epochs before {@code written} but the newest {@value #KEEP} up to it. A later epoch
   * is never deleted: this run has not replaced it (it is one a resume skipped as corrupt, kept
   * until its epoch is trained again).
   */
  private static void prune(RunLayout layout, int written, Configuration conf) {
    List<Path> older = epochDirs(layout, conf).stream().filter(d -> RunLayout.checkpointEpoch(d) < written).toList();
    for (int i = 0; i + KEEP - 1 < older.size(); i++) HadoopFs.deleteRecursively(older.get(i), conf);
  }

  /** Finished epoch directories, oldest first. */
  static List<Path> epochDirs(RunLayout layout, Configuration conf) {
    return Directories.subdirectories(layout.checkpoints(), RunLayout.CHECKPOINT_NAMES, conf).stream()
        .sorted(Comparator.comparingInt(RunLayout::checkpointEpoch)).toList();
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

  /**
   * The network in {@code best/}, the one with the lowest validation perplexity (NT-ASGD's average
   * when that was the best); empty when there is none yet.
   *
   * @throws IllegalStateException when {@code best/} is there but damaged: the run's best model is lost
   */
  public static Optional<MultiLayerNetwork> bestModel(RunLayout layout, Configuration conf) {
    Path dir = layout.bestCheckpoint();
    if (!exists(dir, STATE, conf)) return Optional.empty();
    try {
      return Optional.of(parse(dir, MODEL, conf, in -> ModelSerializer.restoreMultiLayerNetwork(in, false)));
    } catch (CorruptException e) {
      throw new IllegalStateException("the best model " + dir + " is damaged (" + e.getMessage() + ")", e);
    }
  }

  static Loaded read(Path dir, Configuration conf) throws CorruptException {
    State state = parse(dir, STATE, conf, in -> Json.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), State.class, STATE));
    MultiLayerNetwork net = parse(dir, MODEL, conf, in -> ModelSerializer.restoreMultiLayerNetwork(in, true));
    INDArray average = null;
    if (exists(dir, AVERAGE, conf)) {
      average = parse(dir, AVERAGE, conf, Nd4j::read);
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

  /** Parses the file {@code name} of checkpoint {@code dir}; a filesystem failure is not corruption (see {@link FileParser}). */
  private static <T> T parse(Path dir, String name, Configuration conf, FileParser.Parser<T> parser) throws CorruptException {
    if (!exists(dir, name, conf)) throw new CorruptException(name + " is missing");
    try {
      return FileParser.parse(new Path(dir, name), conf, parser);
    } catch (IOException e) {
      throw unreadable(dir, name, e);
    } catch (FileParser.Unparsable e) {
      throw new CorruptException(name + ": " + e.getCause());
    }
  }

  private static boolean exists(Path dir, String name, Configuration conf) {
    try {
      return HadoopFs.exists(new Path(dir, name), conf);
    } catch (UncheckedIOException e) {
      throw unreadable(dir, name, e.getCause());
    }
  }

  private static UncheckedIOException unreadable(Path dir, String name, IOException cause) {
    return new UncheckedIOException("cannot read checkpoint " + dir + " (" + name + ": " + cause.getMessage()
        + "): the filesystem failed, so it is not skipped as corrupt; resume again once the filesystem answers", cause);
  }
}
