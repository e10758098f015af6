package dev.awdlm.io;

import org.apache.hadoop.fs.Path;

/**
 * Where each file of a retraining registry lives: the one place that knows their names.
 *
 * <pre>
 * registry/
 *   champion        the champion's run id (replaced atomically: the promotion)
 *   history.jsonl   one line per finished retrain, promoted or not
 *   lease/N         the lease, by generation
 *   runs/RUN_ID/    each retrain's full run ({@link RunLayout}), with decision.json, _DONE and
 *                   champion-valid/ (the snapshot's valid split in the champion's vocabulary)
 * </pre>
 */
public final class RegistryLayout {
  /** Written last in a retrain's run: the registry holds everything its decision calls for. */
  public static final String DONE = "_DONE";
  private final Path root;

  public RegistryLayout(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** The output directory of the retrains' runs. */
  public Path runs() {
    return new Path(root, "runs");
  }

  public RunLayout run(String runId) {
    return RunLayout.of(runs(), runId);
  }

  public Path lease() {
    return new Path(root, "lease");
  }

  public Path championPointer() {
    return new Path(root, "champion");
  }

  public Path historyFile() {
    return new Path(root, "history.jsonl");
  }

  public Path decisionFile(String runId) {
    return new Path(run(runId).runDir(), "decision.json");
  }

  public Path done(String runId) {
    return new Path(run(runId).runDir(), DONE);
  }

  /** A rebuilt vocabulary's challenger is compared with the champion on this encoding of the same text. */
  public Path championValid(String runId) {
    return new Path(run(runId).runDir(), "champion-valid");
  }
}
