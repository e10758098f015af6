package dev.awdlm.cli;

import dev.awdlm.bench.ScoreBench;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Measure awdlm score (records/s and tokens/s of the whole job) in local[N]",
        "Spark for each N of --cores, against evaluate's tokens/s on the same text with",
        "the same model in the same session. Each figure is the median of --repeats",
        "timed runs, after one warm-up run of each.",
        "Targets: score >= 0.8x evaluate's tokens/s, >= 1.7x from the first to the last",
        "--cores."})
final class ScoreBenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--model", required = true, paramLabel = "URI",
      description = "A saved model: a run directory, its model/ directory, or model.zip.")
  String model;

  @Option(names = "--data", paramLabel = "URI", split = ",",
      description = "Text to score, one record per line (default: the model's own data.test).")
  List<String> data = new ArrayList<>();

  @Option(names = "--cores", split = ",", defaultValue = "1,2", description = "Spark local[N] masters to compare (default ${DEFAULT-VALUE}).")
  List<Integer> cores;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per job and master; the median counts (default ${DEFAULT-VALUE}).")
  int repeats;

  @Override
  public Integer call() {
    ScoreBench.run(new ScoreBench.Options(model, data, cores, repeats), common.config, BenchCommand.overrides(common), System.out);
    return AwdlmCommand.OK;
  }
}
