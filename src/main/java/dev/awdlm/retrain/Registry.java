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
 *   lease           held by the running retrain
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

  public Path decision(String runId) {
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

  /** Every finished retrain, oldest first. */
  public List<Decision> history() {
    return HadoopFs.exists(historyFile(), conf) ? parse(HadoopFs.readUtf8(historyFile(), conf)) : List.of();
  }

  private List<Decision> parse(String jsonl) {
    List<Decision> out = new ArrayList<>();
    for (String line : jsonl.split("\n")) {
      if (!line.isBlank()) out.add(Json.parse(line, Decision.class, historyFile().toString()));
    }
    return out;
  }

  /**
   * Adds the run's line unless it is there already, so a retrain that crashed after appending and
   * is rerun does not add a second. The file is rewritten whole and renamed into place: readers never
   * see a torn line, and the lease keeps writers to one.
   */
  public void appendHistory(Decision d) {
    String existing = HadoopFs.exists(historyFile(), conf) ? HadoopFs.readUtf8(historyFile(), conf) : "";
    for (Decision e : parse(existing)) {
      if (e.runId().equals(d.runId())) return;
    }
    HadoopFs.writeAtomically(historyFile(), conf, existing + Json.line(d) + "\n");
  }
}
