package dev.awdlm.io;

import org.apache.hadoop.fs.Path;

/**
 * Where each artifact of a run lives, under {@code <output.dir>/<runId>/}. The one place that
 * knows the names, so commands and tests agree.
 */
public record RunLayout(Path outputDir, String runId) {
  public RunLayout {
    if (runId == null || !runId.matches("[A-Za-z0-9][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("run id must be letters, digits, '.', '_' or '-': " + runId);
    }
  }

  public Path runDir() {
    return new Path(outputDir, runId);
  }

  public Path vocab() {
    return new Path(runDir(), "vocab.tsv");
  }

  /** Written last by prepare: its presence means the prepared data is complete. */
  public Path prepareStats() {
    return new Path(runDir(), "prepare.json");
  }

  public Path batches(String split) {
    return new Path(new Path(runDir(), "batches"), split);
  }

  public Path modelDir() {
    return new Path(runDir(), "model");
  }

  /** The final trained model (ModelSerializer zip). */
  public Path model() {
    return new Path(modelDir(), "model.zip");
  }

  /** Per-epoch training metrics, written by train and read by the report. */
  public Path trainMetrics() {
    return new Path(runDir(), "train.json");
  }

  public Path reportDir() {
    return new Path(runDir(), "report");
  }

  public Path report() {
    return new Path(reportDir(), "report.json");
  }

  /** A sibling of the run dir that prepare fills and then renames into place. */
  public Path stagingDir(String stage) {
    return new Path(outputDir, "." + runId + "." + stage + ".tmp");
  }
}
