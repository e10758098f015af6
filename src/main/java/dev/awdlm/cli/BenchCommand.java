package dev.awdlm.cli;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/**
 * {@code awdlm bench}: each subcommand parses its options into its benchmark's options record and
 * calls that benchmark's {@code run} in {@code dev.awdlm.bench}.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Measure throughput against a baseline measured in the same run.",
        "Each benchmark prints its result as one JSON object on the last line of stdout",
        "and writes it to <output.dir>/bench/<name>.json."},
    subcommands = {CeilingBenchCommand.class, PrepareBenchCommand.class, ModelBenchCommand.class, ScalingBenchCommand.class, QualityBenchCommand.class,
        ScoreBenchCommand.class})
final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a benchmark name is required");
  }

  /** The user's {@code --set} overrides, then {@code --output} as {@code output.dir}: what {@link CommonOptions#load} applies. */
  static List<String> overrides(CommonOptions common) {
    List<String> all = new ArrayList<>(common.overrides);
    if (common.output != null) all.add("output.dir=" + common.output);
    return all;
  }
}
