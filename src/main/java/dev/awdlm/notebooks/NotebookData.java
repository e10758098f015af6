package dev.awdlm.notebooks;

import dev.awdlm.config.DataConfig;
import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.HadoopFs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Writes a notebook's corpus: a {@link CorpusSample} of each of the config's splits, where
 * {@code target} names it, and returns the {@code data.*} overrides that point its runs at them. The samples
 * are deterministic, so a continued notebook writes the same files again.
 */
final class NotebookData {
  private NotebookData() {}

  /**
   * @param trainWords words of the train sample
   * @param evalWords words of the validation sample and of the test sample
   */
  static List<String> write(DataConfig data, Function<String, Path> target, long trainWords, long evalWords,
      Configuration conf) {
    return List.of(
        "data.train=" + sample("data.train", data.train(), trainWords, target.apply("train"), conf),
        "data.valid=" + sample("data.valid", data.valid(), evalWords, target.apply("valid"), conf),
        "data.test=" + sample("data.test", data.test(), evalWords, target.apply("test"), conf));
  }

  private static Path sample(String key, List<String> inputs, long words, Path target, Configuration conf) {
    List<String> lines = new ArrayList<>();
    for (Path f : HadoopFs.expandInputs(key, inputs, conf)) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(HadoopFiles.open(f, conf), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine()) lines.add(line);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    List<String> sample = CorpusSample.of(lines, words, CorpusSample.BLOCK_LINES);
    HadoopFs.writeAtomically(target, conf, String.join("\n", sample) + "\n");
    return target;
  }
}
