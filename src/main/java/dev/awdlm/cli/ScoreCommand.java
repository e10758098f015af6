package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.ml.LanguageModelScorer;
import dev.awdlm.score.ScoreInput;
import dev.awdlm.score.ScoreJob;
import dev.awdlm.score.ScoreRequest;
import dev.awdlm.score.ScoreSummary;
import dev.awdlm.spark.SparkSessions;
import java.io.File;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Score every record of some text with a saved model, on the executors. Each",
        "record is read from a fresh state after an <eos>, with the model's own",
        "tokenizer and vocabulary. --output gets one Parquet row per record (source,",
        "record, tokens, predicted_tokens, oov, nll, ppl, bits_per_token, truncated,",
        "invalid_bytes), _summary.json and _SUCCESS. See docs/scoring.md.",
        "  jobs/awdlm score --model runs/RUN --data crawl/ --output file:./scores",
        "  jobs/awdlm score --model runs/RUN --data crawl/ --output scores \\",
        "      --keep-below 300 --kept clean/"},
    footer = {"", "Exit codes: 0 ok, 2 usage, config or input error (nothing written), 1 failure."})
final class ScoreCommand implements Callable<Integer> {
  @Option(names = "--model", required = true, paramLabel = "URI",
      description = "A saved model: a run directory, its model/ directory, or model.zip.")
  String model;

  @Option(names = "--data", required = true, paramLabel = "URI", split = ",",
      description = "Files, directories or globs to score (repeatable).")
  List<String> data = new ArrayList<>();

  @Option(names = "--output", required = true, paramLabel = "URI",
      description = "Where the scores dataset is written; must not exist.")
  String output;

  @Option(names = "--unit", paramLabel = "line|file", defaultValue = "line",
      description = "Text input: a record is a line, or a whole file (default ${DEFAULT-VALUE}).")
  String unit;

  @Option(names = "--format", paramLabel = "text|json|parquet",
      description = "The input's format (default: text; with --text-column, json or parquet by the first file's extension).")
  String format;

  @Option(names = "--text-column", paramLabel = "NAME", description = "JSON Lines or Parquet input: the field holding the text.")
  String textColumn;

  @Option(names = "--id-column", paramLabel = "NAME", description = "JSON Lines or Parquet input: a field copied to the output as id.")
  String idColumn;

  @Option(names = "--keep-below", paramLabel = "PPL", description = "Also write the records with ppl < PPL as text to --kept.")
  Double keepBelow;

  @Option(names = "--keep-above", paramLabel = "PPL", description = "Also write the records with ppl > PPL as text to --kept.")
  Double keepAbove;

  @Option(names = "--kept", paramLabel = "URI", description = "Where the kept records go, one per line, in input order; must not exist.")
  String kept;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file; only its score section applies here.")
  File config;

  @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override one config key, e.g. --set score.batchSize=128 (repeatable).")
  List<String> overrides = new ArrayList<>();

  @Override
  public Integer call() {
    AwdlmConfig settings = ConfigLoader.load(config, overrides);
    Configuration hadoop = SparkSessions.hadoopConfiguration();
    List<Path> files = HadoopFs.expandInputs("--data", data, hadoop);
    ScoreRequest request = new ScoreRequest(model, data, output, ScoreRequest.Unit.parse(unit),
        format != null ? ScoreRequest.Format.parse(format) : ScoreInput.inferFormat(textColumn, files), textColumn, idColumn,
        keepBelow, keepAbove, kept);
    ScoreJob.checkOutputs(request, hadoop);
    LanguageModelScorer scorer = ScoreJob.scorer(model, idColumn != null, settings.score(), hadoop);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      ScoreSummary s = ScoreJob.run(request, files, scorer, settings.score(), spark);
      System.out.printf("scored %d records (%d empty, %d truncated), %d predicted tokens, OOV %.2f%%: perplexity %s,"
              + " median record %s; %.0f records/s, %.0f tokens/s -> %s%n",
          s.records(), s.emptyRecords(), s.truncatedRecords(), s.predictedTokens(), 100 * (s.oovRate() == null ? 0 : s.oovRate()),
          format(s.ppl()), format(s.pplQuantiles().get("p50")), s.recordsPerS(), s.tokensPerS(), output);
      if (s.keptRecords() != null) System.out.printf("kept %d records -> %s%n", s.keptRecords(), kept);
      System.out.println(Json.line(s));
    }
    return AwdlmCommand.OK;
  }

  private static String format(Double ppl) {
    return ppl == null ? "none" : String.format("%.2f", ppl);
  }
}
