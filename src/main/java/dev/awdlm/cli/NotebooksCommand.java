package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.notebooks.AblationNotebook;
import dev.awdlm.notebooks.MaskNotebook;
import dev.awdlm.spark.SparkSessions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "notebooks", mixinStandardHelpOptions = true,
    description = {"Regenerate notebooks-export/: the dropout-mask heatmaps (seconds) and the ablation on the",
        "config's corpus (Brown in conf/local.conf): no regularization vs Zaremba-style dropout vs full AWD-LSTM,",
        "same model size and epoch budget, trained through the real pipeline (about 20 minutes on 2 cores)."})
final class NotebooksCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "notebooks-export",
      description = "Where the notebooks and figures go (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--masks-only", description = "Only the dropout-mask notebook (no training).")
  boolean masksOnly;

  @Option(names = "--epochs", defaultValue = "6", description = "Epoch budget of each ablation run (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--train-lines", defaultValue = "15000",
      description = "Train on the first N lines of data.train, so the unregularized model overfits within the budget (default ${DEFAULT-VALUE}).")
  int trainLines;

  @Override
  public Integer call() {
    if (epochs < 2) throw new ConfigError("--epochs", epochs, "must be >= 2 to show a curve");
    if (trainLines < 1) throw new ConfigError("--train-lines", trainLines, "must be >= 1");
    MaskNotebook.write(dir, 2017);
    System.out.println("wrote " + dir.resolve(MaskNotebook.NAME));
    if (masksOnly) return AwdlmCommand.OK;

    AwdlmConfig config = common.load();
    Configuration hadoop = SparkSessions.hadoopConfiguration();
    List<org.apache.hadoop.fs.Path> train = HadoopFs.expandInputs("data.train", config.data().train(), hadoop);
    String stamp = CommonOptions.newRunId();
    org.apache.hadoop.fs.Path runs = HadoopFs.location("output.dir", config.output().dir());
    org.apache.hadoop.fs.Path subset = new org.apache.hadoop.fs.Path(runs, "ablation-data-" + stamp + "/train.txt");
    HadoopFs.writeAtomically(subset, hadoop, firstLines(train, trainLines, hadoop));
    List<String> shared = new ArrayList<>(List.of("data.train=" + subset, "model.emsize=128", "model.nhid=256",
        "model.nlayers=2", "model.tied=true", "train.optimizer=adam", "train.lr=0.003", "train.clip=0.25",
        "train.epochs=" + epochs, "train.bptt=35", "train.batchSize=20"));
    shared.addAll(common.overrides);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      AblationNotebook.write(dir, common.config, shared, runs.toString(), stamp, SparkSessions.context(spark));
    }
    System.out.println("wrote " + dir.resolve(AblationNotebook.NAME));
    return AwdlmCommand.OK;
  }

  private static String firstLines(List<org.apache.hadoop.fs.Path> files, int n, Configuration conf) {
    StringBuilder b = new StringBuilder();
    int lines = 0;
    for (org.apache.hadoop.fs.Path f : files) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(HadoopFs.fs(f, conf).open(f), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null && lines < n; line = r.readLine(), lines++) b.append(line).append('\n');
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
      if (lines >= n) break;
    }
    return b.toString();
  }
}
