package dev.awdlm.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine;

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
}
