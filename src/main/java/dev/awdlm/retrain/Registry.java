package dev.awdlm.retrain;

import dev.awdlm.config.ConfigError;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A model registry on any Hadoop filesystem:
 *
 * <pre>
 * registry/
 *   champion        the champion's run id (replaced atomically: the promotion)
 *   history.jsonl   one line per finished retrain, promoted or not
 *   lease/N         the lease, by generation (see {@link Lease})
 *   runs/RUN_ID/    each retrain's full run (data, checkpoints, model/, report/), decision.json, _DONE
 * </pre>
 */
public final class Registry {
  static final String DONE = "_DONE";
  private final Path root;
  private final Configuration conf;

  public Registry(Path root, Configuration conf) {
    this.root = root;
    this.conf = conf;
  }

  public Configuration conf() {
    return conf;
  }

  public Path runs() {
    return new Path(root, "runs");
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

  public RunLayout run(String runId) {
    return RunLayout.of(runs(), runId);
  }

  public Path decisionFile(String runId) {
    return new Path(run(runId).runDir(), "decision.json");
  }

  public Path done(String runId) {
    return new Path(run(runId).runDir(), DONE);
  }

  /** The champion's run id, if a champion was ever promoted. */
  public Optional<String> championId() {
    if (!HadoopFs.exists(championPointer(), conf)) return Optional.empty();
    String id = HadoopFs.readUtf8(championPointer(), conf).trim();
    if (id.isEmpty()) throw new ConfigError("--registry", championPointer().toString(), "is empty: the champion pointer is damaged");
    return Optional.of(id);
  }

  /** Run {@code id}'s model, loaded and checked; a damaged one is a {@link ConfigError} that names the file. */
  public SavedModel model(String id) {
    return SavedModel.load("--registry", run(id).modelDir().toString(), conf);
  }

  /** The promotion: one atomic replace of the pointer. */
  public void promote(String runId) {
    HadoopFs.writeAtomically(championPointer(), conf, runId + "\n");
  }

  /**
   * The run's decision, if it was decided. A damaged {@code decision.json}, or a {@code _DONE}
   * without one, is a {@link ConfigError} naming the file.
   */
  public Optional<Decision> decided(String runId) {
    Path file = decisionFile(runId);
    if (!HadoopFs.exists(file, conf)) {
      if (HadoopFs.exists(done(runId), conf)) throw damaged(file, "is missing, but " + DONE + " says the run finished");
      return Optional.empty();
    }
    Decision d;
    try {
      d = Json.parse(HadoopFs.readUtf8(file, conf), Decision.class, "the file");
    } catch (IllegalStateException e) {
      throw damaged(file, e.getMessage());
    }
    if (!runId.equals(d.runId()) || d.decision() == null) throw damaged(file, "is not a decision of run " + runId);
    return Optional.of(d);
  }

  /** Every finished retrain, oldest first; a damaged line is a {@link ConfigError} naming the file and the line. */
  public List<Decision> history() {
    return HadoopFs.exists(historyFile(), conf) ? parse(HadoopFs.readUtf8(historyFile(), conf)) : List.of();
  }

  private List<Decision> parse(String jsonl) {
    List<Decision> out = new ArrayList<>();
    String[] lines = jsonl.split("\n");
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isBlank()) continue;
      String line = "line " + (i + 1);
      Decision d;
      try {
        d = Json.parse(lines[i], Decision.class, line);
      } catch (IllegalStateException e) {
        throw damaged(historyFile(), e.getMessage());
      }
      if (d.runId() == null || d.decision() == null) throw damaged(historyFile(), line + " has no run_id or no decision");
      out.add(d);
    }
    return out;
  }

  private static ConfigError damaged(Path file, String reason) {
    return new ConfigError("--registry", file.toString(), reason + " (the registry is damaged: repair the file, then rerun)");
  }

  /**
   * Adds the run's line unless it is there already, so a retrain that crashed after appending and
   * is rerun does not add a second. Every line is checked first. The file is rewritten whole and
   * renamed into place: readers never see a torn line, and the lease keeps writers to one.
   */
  public void appendHistory(Decision d) {
    String existing = HadoopFs.exists(historyFile(), conf) ? HadoopFs.readUtf8(historyFile(), conf) : "";
    for (Decision e : parse(existing)) {
      if (e.runId().equals(d.runId())) return;
    }
    String separator = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n"; // a last line without its newline
    HadoopFs.writeAtomically(historyFile(), conf, existing + separator + Json.line(d) + "\n");
  }
}
