package dev.awdlm.bench;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.bench.PrepareBench.Load;
import dev.awdlm.bench.PrepareBench.Measurement;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code bench prepare}'s headline row: one run of the real prepare stage ({@link PrepareJob}, as
 * {@code awdlm prepare} runs it: vocabulary, encode, segment, shuffle, DataSet files, prepare.json)
 * with the measured corpus as {@code data.train}, into a run directory of its own. Its bytes and
 * tokens are those of all three splits.
 *
 * <p>The runs are kept until {@link #close}, not removed after each measurement: on ext4, creating
 * files within about 30 s of deleting thousands skips past the recently deleted inodes, reading
 * each one's inode block, while holding the directory's lock (perf: {@code recently_deleted},
 * {@code find_inode_bit}, {@code rwsem_spin_on_owner}). Removing one pass's 6,000 DataSet files
 * then slowed the next pass's writes several times over and serialized them across cores, a cost a
 * real prepare into a new run directory does not pay. A 200 MB corpus makes about 0.35 GB of
 * DataSets a pass, so a bench of two masters and three passes keeps about 2.5 GB until it ends.
 */
final class WholePrepare implements AutoCloseable {
  private final File config;
  private final List<String> overrides;
  private final Path dir;
  private int runs;

  /**
   * @param config the user's config file (null: defaults) and {@code overrides}, which name valid and test
   * @param dir where the runs are written, each in a subdirectory of its own; what a killed bench
   *     left there is removed first
   */
  WholePrepare(File config, List<String> overrides, Path dir) {
    this.config = config;
    this.overrides = List.copyOf(overrides);
    this.dir = dir;
    close();
  }

  Measurement measure(JavaSparkContext sc, String name, Path train) {
    List<String> o = new ArrayList<>(overrides);
    o.add("data.train=" + train.toUri());
    o.add("output.dir=" + dir.resolve(Integer.toString(++runs)).toUri());
    AwdlmConfig c = ConfigLoader.load(config, o);
    RunLayout layout = RunLayout.of(c.output(), "bench-prepare");
    Optional<MachineLoad.Snapshot> before = MachineLoad.snapshot();
    long start = System.nanoTime();
    PrepareStats stats = PrepareJob.run(c, sc, layout);
    double seconds = (System.nanoTime() - start) / 1e9;
    Load load = Load.between(before, MachineLoad.snapshot());
    long bytes = stats.splits().values().stream().mapToLong(PrepareStats.SplitStats::bytes).sum();
    long tokens = stats.splits().values().stream().mapToLong(PrepareStats.SplitStats::tokens).sum();
    return new Measurement(name, sc.defaultParallelism(), bytes, tokens, seconds, load);
  }

  /** Removes every run written, once no more are measured. */
  @Override
  public void close() {
    HadoopFs.deleteRecursively(new org.apache.hadoop.fs.Path(dir.toUri()), SparkSessions.hadoopConfiguration());
  }
}
