package dev.awdlm.notebooks;

import dev.awdlm.config.DataConfig;
import dev.awdlm.io.RunLayout;
import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a training notebook reads and writes, as {@code awdlm notebooks} was started.
 *
 * @param dir where the notebook and its figures go
 * @param config the config file (null: reference.conf alone)
 * @param data the corpus the notebook samples ({@code data.*} of that config)
 * @param user the user's {@code --set} overrides, applied after the notebook's shared settings
 * @param runs root of the notebook's runs ({@code <runs>/<notebook>-<variant>-seed<S>-<stamp>})
 * @param stamp names this generation's runs; the same stamp again reuses the finished ones
 */
public record NotebookSetting(Path dir, File config, DataConfig data, List<String> user, org.apache.hadoop.fs.Path runs,
    String stamp) {
  public NotebookSetting {
    user = List.copyOf(user);
  }

  /** The command line that regenerates one notebook, as the notebook shows it. */
  public String command(String notebook, List<String> options) {
    List<String> args = new ArrayList<>(List.of("jobs/awdlm", "notebooks", "--only", notebook));
    args.addAll(options);
    for (String o : user) args.addAll(List.of("--set", o));
    return String.join(" ", args);
  }

  /** A notebook's own corpus sample, under its runs; returns the {@code data.*} overrides for it. */
  List<String> sample(String notebook, long trainWords, long evalWords, org.apache.hadoop.conf.Configuration conf) {
    return NotebookData.write(data, split -> RunLayout.notebookSample(runs, notebook, stamp, split), trainWords, evalWords, conf);
  }

  org.apache.hadoop.fs.Path runDir(String notebook, String variant, long seed) {
    return new org.apache.hadoop.fs.Path(runs, notebook + "-" + variant + "-seed" + seed + "-" + stamp);
  }
}
