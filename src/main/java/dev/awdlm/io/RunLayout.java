package dev.awdlm.io;

import dev.awdlm.config.ConfigError;
import dev.awdlm.config.OutputConfig;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.Path;

/**
 * Where each artifact of a run lives, under {@code <output.dir>/<runId>/}, and what else awdlm
 * writes directly under {@code output.dir}. The one place that knows these names, so commands and
 * tests agree ({@link RegistryLayout} knows a registry's).
 *
 * <pre>
 * output.dir/
 *   latest, index.json        the run whose report finished last; every run with a complete report
 *   bench/NAME.json           benchmark results (bench/.NAME-work/: what a benchmark writes to measure)
 *   ablation-data-STAMP/      the ablation notebook's train sample
 *   RUN_ID/
 *     vocab.tsv, prepare.json, batches/SPLIT/, train.json
 *     checkpoints/            epoch-NNNN/ and best/: model.zip, asgd-average.bin, state.json (last)
 *     model/                  model.zip, vocab.tsv, model.json (a saved model)
 *     report/                 report.json, epochs.csv, report.html, _SUCCESS (last)
 * </pre>
 */
public final class RunLayout {
  /** Written directly under the output directory, so no run directory may take these names. */
  private static final String LATEST = "latest";
  private static final String INDEX = "index.json";
  private static final String BENCH = "bench";
  private static final Set<String> RESERVED = Set.of(LATEST, INDEX, BENCH);
  /** The three files of a saved model's directory (a run's {@code model/}, or one copied anywhere). */
  public static final String MODEL_FILE = "model.zip";
  public static final String VOCAB_FILE = "vocab.tsv";
  public static final String MODEL_META_FILE = "model.json";
  /** A run's saved model directory. */
  public static final String MODEL_DIR = "model";
  /**
   * A checkpoint directory's files besides the network ({@link #MODEL_FILE}): the NT-ASGD average,
   * when averaging has begun, and the training state, written last.
   */
  public static final String CHECKPOINT_AVERAGE_FILE = "asgd-average.bin";
  public static final String CHECKPOINT_STATE_FILE = "state.json";
  private static final String CHECKPOINT = "epoch-";
  /** The names {@link #checkpoint} gives, as a regular expression. */
  public static final String CHECKPOINT_NAMES = CHECKPOINT + "\\d{4,}";
  /** A report set's completion marker, written last. */
  private static final String SUCCESS = "_SUCCESS";
  /**
   * The longest run id. HDFS (and most local filesystems) allow 255 bytes per path component, and
   * the hidden names next to a run directory add up to 22 characters to its id.
   */
  public static final int MAX_RUN_ID_LENGTH = 200;

  private final Path outputDir;
  private final String runId;
  private final Path runDir;
  /** Where training's outputs go: the run directory, or a finetune's own directory inside it. */
  private final Path trainedDir;

  private RunLayout(Path outputDir, String runId, Path runDir) {
    this(outputDir, runId, runDir, runDir);
  }

  private RunLayout(Path outputDir, String runId, Path runDir, Path trainedDir) {
    this.outputDir = outputDir;
    this.runId = runId;
    this.runDir = runDir;
    this.trainedDir = trainedDir;
  }

  /**
   * The run's finetune ({@code awdlm finetune}): the same prepared data, and its own checkpoints,
   * model, {@code train.json} and report set under {@code <run>/finetune/}, so that the model it
   * started from stays as it was.
   */
  public RunLayout finetune() {
    if (!trainedDir.equals(runDir)) throw new IllegalStateException(runDir + ": a finetune's layout has no finetune");
    return new RunLayout(outputDir, runId, runDir, new Path(runDir, "finetune"));
  }

  /** Whether this is a finetune's layout. */
  public boolean isFinetune() {
    return !trainedDir.equals(runDir);
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

  /**
   * The layout of a directory found by listing an output directory. Its name is not checked as a
   * run id: it is only read, and a directory that holds no run simply has none of the files.
   */
  public static RunLayout listed(Path runDir) {
    return new RunLayout(runDir.getParent(), runDir.getName(), runDir);
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

  /** Benchmark {@code name}'s result. */
  public static Path benchResult(Path outputDir, String name) {
    return new Path(benchDir(outputDir), name + ".json");
  }

  /** A hidden directory beside the results where benchmark {@code name} writes what it measures. */
  public static Path benchScratch(Path outputDir, String name) {
    return new Path(benchDir(outputDir), "." + name + "-work");
  }

  /** A new hidden directory under {@code outputDir} where {@code evaluate --model} stages the encoded text. */
  public static Path evaluateScratch(Path outputDir) {
    return new Path(outputDir, ".evaluate-" + UUID.randomUUID() + ".tmp");
  }

  /** The sample of one split ({@code train}, {@code valid}, {@code test}) that a notebook's runs of {@code stamp} share. */
  public static Path notebookSample(Path outputDir, String notebook, String stamp, String split) {
    return new Path(new Path(outputDir, notebook + "-data-" + stamp), split + ".txt");
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
    return new Path(runDir, VOCAB_FILE);
  }

  /** Written last by prepare: its presence means the prepared data is complete. */
  public Path prepareStats() {
    return new Path(runDir, "prepare.json");
  }

  public Path batches(String split) {
    return new Path(new Path(runDir, "batches"), split);
  }

  public Path modelDir() {
    return new Path(trainedDir, MODEL_DIR);
  }

  /** The final trained model (ModelSerializer zip). */
  public Path model() {
    return new Path(modelDir(), MODEL_FILE);
  }

  /** Per-epoch checkpoints: {@code epoch-NNNN/} directories and {@code best/}. */
  public Path checkpoints() {
    return new Path(trainedDir, "checkpoints");
  }

  /** Epoch {@code epoch}'s checkpoint directory. */
  public Path checkpoint(int epoch) {
    return new Path(checkpoints(), String.format(CHECKPOINT + "%04d", epoch));
  }

  /** The checkpoint of the lowest validation perplexity so far. */
  public Path bestCheckpoint() {
    return new Path(checkpoints(), "best");
  }

  /** The epoch of a directory {@link #checkpoint} names. */
  public static int checkpointEpoch(Path dir) {
    return Integer.parseInt(dir.getName().substring(CHECKPOINT.length()));
  }

  /** Per-epoch training metrics, written by train and read by the report. */
  public Path trainMetrics() {
    return new Path(trainedDir, "train.json");
  }

  /** dl4j-spark's training statistics, written by train when {@code train.collectStats} is on. */
  public Path sparkStats() {
    return new Path(trainedDir, "spark-stats.html");
  }

  public Path reportDir() {
    return new Path(trainedDir, "report");
  }

  public Path report() {
    return new Path(reportDir(), "report.json");
  }

  public Path epochsCsv() {
    return new Path(reportDir(), "epochs.csv");
  }

  public Path reportHtml() {
    return new Path(reportDir(), "report.html");
  }

  /** Written after the rest of the report set: its presence means the report is complete. */
  public Path reportSuccess() {
    return new Path(reportDir(), SUCCESS);
  }
}
