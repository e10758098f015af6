package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
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
        "same layer sizes and epoch budget, trained through the real pipeline (about 30 minutes on 2 cores)."})
final class NotebooksCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "notebooks-export",
      description = "Where the notebooks and figures go (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--masks-only", description = "Only the dropout-mask notebook (no training).")
  boolean masksOnly;

  @Option(names = "--epochs", defaultValue = "25", description = "Epoch budget of each ablation run (default ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--sample-every", defaultValue = "10",
      description = "Train on every K-th line of data.train (all genres, a tenth of the tokens), so the unregularized model"
          + " overfits within the budget (default ${DEFAULT-VALUE}).")
  int sampleEvery;

  @Option(names = "--continue", paramLabel = "STAMP",
      description = "Continue an interrupted ablation: reuse the finished runs <output.dir>/ablation-*-STAMP.")
  String stamp;

  @Override
  public Integer call() {
    if (epochs < 2) throw new ConfigError("--epochs", epochs, "must be >= 2 to show a curve");
    if (sampleEvery < 1) throw new ConfigError("--sample-every", sampleEvery, "must be >= 1");
    MaskNotebook.write(dir, 2017);
    System.out.println("wrote " + dir.resolve(MaskNotebook.NAME));
    if (masksOnly) return AwdlmCommand.OK;

    AwdlmConfig config = common.load();
    Configuration hadoop = SparkSessions.hadoopConfiguration();
    List<org.apache.hadoop.fs.Path> train = HadoopFs.expandInputs("data.train", config.data().train(), hadoop);
    String stamp = this.stamp != null ? this.stamp : CommonOptions.newRunId();
    org.apache.hadoop.fs.Path runs = config.output().root();
    org.apache.hadoop.fs.Path subset = RunLayout.ablationTrain(runs, stamp);
    HadoopFs.writeAtomically(subset, hadoop, everyKthLine(train, sampleEvery, hadoop));
    List<String> shared = new ArrayList<>(List.of("data.train=" + subset, "data.vocabSize=2000", "model.emsize=128", "model.nhid=256",
        "model.nlayers=2", "model.tied=true", "train.optimizer=adam", "train.lr=0.005", "train.clip=0.25",
        "train.epochs=" + epochs, "train.bptt=35", "train.batchSize=10"));
    shared.addAll(common.overrides);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      AblationNotebook.write(dir, common.config, shared, runs.toString(), stamp, SparkSessions.context(spark));
    }
    System.out.println("wrote " + dir.resolve(AblationNotebook.NAME));
    return AwdlmCommand.OK;
  }

  /** A sample spread over the whole corpus: Brown's files run genre by genre, so a prefix would be news only. */
  private static String everyKthLine(List<org.apache.hadoop.fs.Path> files, int k, Configuration conf) {
    StringBuilder b = new StringBuilder();
    long lines = 0;
    for (org.apache.hadoop.fs.Path f : files) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(HadoopFiles.open(f, conf), StandardCharsets.UTF_8))) {
        for (String line = r.readLine(); line != null; line = r.readLine(), lines++) {
          if (lines % k == 0) b.append(line).append('\n');
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + f, e);
      }
    }
    return b.toString();
  }
}
