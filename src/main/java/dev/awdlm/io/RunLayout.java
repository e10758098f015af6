package dev.awdlm.io;

import dev.awdlm.config.ConfigError;
import dev.awdlm.config.OutputConfig;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.Path;

/**
 * Where each artifact of a run lives, under {@code <output.dir>/<runId>/}. The one place that
 * knows the names, so commands and tests agree.
 */
public final class RunLayout {
  /** Written directly under the output directory, so no run directory may take these names. */
  public static final String LATEST = "latest";
  public static final String INDEX = "index.json";
  public static final String BENCH = "bench";
  private static final Set<String> RESERVED = Set.of(LATEST, INDEX, BENCH);
  /**
   * The longest run id. HDFS (and most local filesystems) allow 255 bytes per path component, and
   * the hidden names next to a run directory add up to 22 characters to its id.
   */
  public static final int MAX_RUN_ID_LENGTH = 200;

  private final Path outputDir;
  private final String runId;
  private final Path runDir;

  private RunLayout(Path outputDir, String runId, Path runDir) {
    this.outputDir = outputDir;
    this.runId = runId;
    this.runDir = runDir;
  }

  /** Run {@code runId} under {@code output.dir}. */
  public static RunLayout of(OutputConfig output, String runId) {
    return of(output.root(), runId);
  }

  /** Run {@code runId} under {@code outputDir} (a registry's runs, a test's scratch directory). */
  public static RunLayout of(Path outputDir, String runId) {
    if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new ConfigError("--run-id", runId, "must start with a letter or digit and hold only letters, digits, '.', '_' or '-'");
    }
    if (runId.length() > MAX_RUN_ID_LENGTH) {
      throw new ConfigError("--run-id", runId, "is " + runId.length() + " characters long; a run id has at most "
          + MAX_RUN_ID_LENGTH + " (filesystems allow 255 per name, and awdlm's hidden names add to the id)");
    }
    // Case-insensitive: on such filesystems "Latest" is the same file as "latest".
    if (RESERVED.contains(runId.toLowerCase(Locale.ROOT))) {
      throw new ConfigError("--run-id", runId, "is reserved: awdlm writes " + String.join(", ", new TreeSet<>(RESERVED))
          + " directly under output.dir");
    }
    return new RunLayout(outputDir, runId, new Path(outputDir, runId));
  }

  /** The id of the run whose report finished last. */
  public Path latest() {
    return new Path(outputDir, LATEST);
  }

  /** Every run under the output directory with a complete report. */
  public Path index() {
    return new Path(outputDir, INDEX);
  }

  /** Benchmark results, {@code <name>.json}. */
  public static Path benchDir(Path outputDir) {
    return new Path(outputDir, BENCH);
  }

  /**
   * The same layout rooted at a hidden sibling of the run directory, which a stage fills and then
   * renames into place; readers never list hidden names. Each call names a new directory, so two
   * attempts never write into one.
   */
  public RunLayout staging(String stage) {
    String attempt = UUID.randomUUID().toString().substring(0, 8);
    return new RunLayout(outputDir, runId, new Path(outputDir, "." + runId + "." + stage + "." + attempt + ".tmp"));
  }

  /** Every staging directory {@link #staging} can name for {@code stage}, as a glob. */
  public Path stagingGlob(String stage) {
    return new Path(outputDir, "." + runId + "." + stage + ".*.tmp");
  }

  /**
   * The marker that gives one process the run id while it creates the run directory (see
   * {@link RunClaim}); hidden, so readers skip it.
   */
  public Path claim() {
    return new Path(outputDir, "." + runId + ".claim");
  }

  public Path outputDir() {
    return outputDir;
  }

  public String runId() {
    return runId;
  }

  public Path runDir() {
    return runDir;
  }

  public Path vocab() {
    return new Path(runDir, "vocab.tsv");
  }

  /** Written last by prepare: its presence means the prepared data is complete. */
  public Path prepareStats() {
    return new Path(runDir, "prepare.json");
  }

  public Path batches(String split) {
    return new Path(new Path(runDir, "batches"), split);
  }

  public Path modelDir() {
    return new Path(runDir, "model");
  }

  /** The final trained model (ModelSerializer zip). */
  public Path model() {
    return new Path(modelDir(), "model.zip");
  }

  /** Per-epoch training metrics, written by train and read by the report. */
  /** Per-epoch checkpoints: {@code epoch-NNNN/} directories and {@code best/}. */
  public Path checkpoints() {
    return new Path(runDir, "checkpoints");
  }

  public Path trainMetrics() {
    return new Path(runDir, "train.json");
  }

  /** dl4j-spark's training statistics, written by train when {@code train.collectStats} is on. */
  public Path sparkStats() {
    return new Path(runDir, "spark-stats.html");
  }

  public Path reportDir() {
    return new Path(runDir, "report");
  }

  public Path report() {
    return new Path(reportDir(), "report.json");
  }
}
