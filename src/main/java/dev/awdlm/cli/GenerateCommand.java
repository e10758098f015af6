package dev.awdlm.cli;

import dev.awdlm.config.DataConfig;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.generate.TextSampler;
import dev.awdlm.spark.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "generate", mixinStandardHelpOptions = true,
    description = {"Sample text from a saved model on this machine (no Spark job); <eos> prints",
        "as a new line. The same model, prompt and --seed print the same text. Prompt",
        "words outside the model's vocabulary are read as <unk> (stderr names them).",
        "  jobs/awdlm generate --model runs/RUN --prompt \"the jury\" --words 50 \\",
        "      --temperature 0.8 --seed 7"},
    footer = {"", "Exit codes: 0 ok, 2 usage or config error, 1 runtime failure."})
final class GenerateCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "URI",
      description = "A saved model: a run directory, its model/ directory, or model.zip.")
  String model;

  @Option(names = "--prompt", paramLabel = "TEXT", defaultValue = "", description = "Text the sample continues (default: none).")
  String prompt;

  @Option(names = "--words", paramLabel = "N", defaultValue = "100", description = "Tokens to sample, <eos> included (default ${DEFAULT-VALUE}).")
  int words;

  @Option(names = "--temperature", paramLabel = "T", defaultValue = "1.0",
      description = "Sample from p^(1/T): below 1 more likely tokens, above 1 more varied ones (default ${DEFAULT-VALUE}).")
  double temperature;

  @Option(names = "--top-k", paramLabel = "K", defaultValue = "0",
      description = "Sample only among the K most likely tokens; 0 for all (default ${DEFAULT-VALUE}).")
  int topK;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "1111", description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() {
    TextSampler.Options options = new TextSampler.Options(prompt, words, temperature, topK, seed);
    SavedModel saved = SavedModel.load("--model", model, SparkSessions.hadoopConfiguration());
    TextSampler.Sample sample = TextSampler.sample(saved, options);
    if (!sample.unknown().isEmpty()) {
      System.err.println("awdlm generate: prompt words outside the model's vocabulary, read as <unk>: " + String.join(" ", sample.unknown()));
    }
    List<String> all = new ArrayList<>(sample.prompt());
    all.addAll(sample.generated());
    System.out.println(TextSampler.render(all, saved.config().data().tokenizer() == DataConfig.TokenizerKind.CHAR));
    return AwdlmCommand.OK;
  }
}
