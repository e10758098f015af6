package dev.awdlm.retrain;

import dev.awdlm.config.ConfigError;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RegistryLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * A model registry on any Hadoop filesystem, laid out as {@link RegistryLayout} says: the champion
 * pointer, the history, the lease ({@link Lease}) and each retrain's run.
 */
public final class Registry {
  private final RegistryLayout layout;
  private final Configuration conf;

  public Registry(Path root, Configuration conf) {
    this.layout = new RegistryLayout(root);
    this.conf = conf;
  }

  public RegistryLayout layout() {
    return layout;
  }

  public Configuration conf() {
    return conf;
  }

  /** The champion's run id, if a champion was ever promoted. */
  public Optional<String> championId() {
    if (!HadoopFs.exists(layout.championPointer(), conf)) return Optional.empty();
    String id = HadoopFs.readUtf8(layout.championPointer(), conf).trim();
    if (id.isEmpty()) throw new ConfigError("--registry", layout.championPointer().toString(), "is empty: the champion pointer is damaged");
    return Optional.of(id);
  }

  /** Run {@code id}'s model, loaded and checked; a damaged one is a {@link ConfigError} that names the file. */
  public SavedModel model(String id) {
    return SavedModel.load("--registry", layout.run(id).modelDir().toString(), conf);
  }

  /** The promotion: one atomic replace of the pointer. */
  public void promote(String runId) {
    HadoopFs.writeAtomically(layout.championPointer(), conf, runId + "\n");
  }

  /**
   * The run's decision, if it was decided. A damaged {@code decision.json}, or a {@code _DONE}
   * without one, is a {@link ConfigError} naming the file.
   */
  public Optional<Decision> decided(String runId) {
    Path file = layout.decisionFile(runId);
    if (!HadoopFs.exists(file, conf)) {
      if (HadoopFs.exists(layout.done(runId), conf)) {
        throw damaged(file, "is missing, but " + RegistryLayout.DONE + " says the run finished");
      }
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
    return HadoopFs.exists(layout.historyFile(), conf) ? parse(HadoopFs.readUtf8(layout.historyFile(), conf)) : List.of();
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
        throw damaged(layout.historyFile(), e.getMessage());
      }
      if (d.runId() == null || d.decision() == null) throw damaged(layout.historyFile(), line + " has no run_id or no decision");
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
    String existing = HadoopFs.exists(layout.historyFile(), conf) ? HadoopFs.readUtf8(layout.historyFile(), conf) : "";
    for (Decision e : parse(existing)) {
      if (e.runId().equals(d.runId())) return;
    }
    String separator = existing.isEmpty() || existing.endsWith("\n") ? "" : "\n"; // a last line without its newline
    HadoopFs.writeAtomically(layout.historyFile(), conf, existing + separator + Json.line(d) + "\n");
  }
}
