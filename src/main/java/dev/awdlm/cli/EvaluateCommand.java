package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.eval.RunEvaluation;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.eval.TextEvaluation;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.RunReport;
import dev.awdlm.spark.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {"Perplexity of a trained model, computed on the executors.",
        "  --run-id ID                 valid and test perplexity of a trained run; writes <run>/report/",
        "  --model URI --data URI...   any text, tokenized with the model's own tokenizer and vocabulary;",
        "                              prints a summary and, last, one JSON line (also to --out)"})
final class EvaluateCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--model", paramLabel = "URI", description = "A saved model: a run directory, its model/ directory, or the model.zip in it.")
  String model;

  @Option(names = "--data", paramLabel = "URI", split = ",", description = "Text files, directories or globs (repeatable).")
  List<String> data = new ArrayList<>();

  @Option(names = "--chunks", paramLabel = "N",
      description = "Contiguous chunks the text is cut into, each evaluated from a zero state (default: the larger of the"
          + " model's train.evalBatchSize and Spark's default parallelism).")
  Integer chunks;

  @Option(names = "--single-chunk-max-tokens", paramLabel = "N", defaultValue = "200000",
      description = "Also evaluate texts up to N tokens as one chunk, to show the boundary effect (default ${DEFAULT-VALUE}; 0: never).")
  long singleChunkMaxTokens;

  @Option(names = "--out", paramLabel = "URI", description = "Also write the JSON result here (atomically).")
  String out;

  @Option(names = "--pointer", description = {"With --run-id: also the perplexities with the continuous cache pointer at",
      "eval.pointer.theta and eval.pointer.lambda (the AWD-LSTM only)."})
  boolean pointer;

  @Option(names = "--tune-pointer", description = {"With --run-id: the pointer's theta and lambda chosen from",
      "eval.pointer.thetaGrid x lambdaGrid on the validation split, then the test split scored with them."})
  boolean tunePointer;

  @Override
  public Integer call() {
    if (model == null && data.isEmpty()) {
      if (chunks != null || out != null) {
        throw new ConfigError(chunks != null ? "--chunks" : "--out", "applies to --model/--data; --run-id evaluates with the run's own layout");
      }
      return evaluateRun();
    }
    if (model == null || data.isEmpty()) throw new ConfigError(model == null ? "--model" : "--data", "--model and --data go together");
    if (pointer || tunePointer) throw new ConfigError(pointer ? "--pointer" : "--tune-pointer", "applies to --run-id");
    if (common.runId != null) throw new ConfigError("--run-id", common.runId, "evaluates a run; it cannot be combined with --model");
    if (chunks != null && chunks < 1) throw new ConfigError("--chunks", chunks, "must be >= 1");
    if (singleChunkMaxTokens < 0) throw new ConfigError("--single-chunk-max-tokens", singleChunkMaxTokens, "must be >= 0");
    AwdlmConfig config = common.load();
    var hadoop = SparkSessions.hadoopConfiguration();
    HadoopFs.fs("output.dir", config.output().root(), hadoop); // scratch space
    if (out != null) {
      org.apache.hadoop.fs.Path target = HadoopFs.location("--out", out);
      HadoopFs.fs("--out", target, hadoop);
      if (HadoopFs.isDirectory(target, hadoop)) throw new ConfigError("--out", out, "is a directory; name the file to write the result to");
    }
    SavedModel saved = SavedModel.load("--model", model, hadoop);
    HadoopFs.expandInputs("--data", data, hadoop); // a missing path fails here, before Spark starts
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      int n = chunks != null ? chunks : Math.max(saved.config().train().evalBatchSize(), sc.defaultParallelism());
      TextEvaluation.Result r = TextEvaluation.run(saved, model, data, n, singleChunkMaxTokens,
          HadoopFs.qualify(config.output().root(), sc.hadoopConfiguration()), sc);
      System.out.printf("perplexity %.2f over %d predicted tokens (%d tokens, OOV %.2f%%) in %d chunks on %d tasks, %.0f tokens/s%n",
          r.perplexity(), r.predictedTokens(), r.tokens(), 100 * r.oovRate(), r.chunks(), r.tasks(), r.tokensPerS());
      if (r.singleChunkPpl() != null) {
        System.out.printf("as a single chunk: perplexity %.2f over %d tokens; the %d chunk boundaries cost %+.2f%%%n",
            r.singleChunkPpl(), r.singleChunkTokens(), r.chunks() - 1, 100 * r.boundaryCost());
      }
      String json = Json.line(r);
      if (out != null) HadoopFs.writeAtomically(HadoopFs.location("--out", out), sc.hadoopConfiguration(), json + "\n");
      System.out.println(json);
    }
    return AwdlmCommand.OK;
  }

  private int evaluateRun() {
    AwdlmConfig config = common.load();
    RunLayout layout = common.existingLayout(config);
    new Preflight().trained(layout);
    RunEvaluation.Pointer mode = tunePointer ? RunEvaluation.Pointer.TUNED
        : pointer || config.eval().pointer().enabled() ? RunEvaluation.Pointer.CONFIGURED : RunEvaluation.Pointer.OFF;
    if (mode != RunEvaluation.Pointer.OFF) RunEvaluation.requireAwdLstm(config);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      RunReport report = Pipeline.evaluateAndReport(config, layout, SparkSessions.context(spark), mode);
      PipelineCommand.printSummary(report, layout);
    }
    return AwdlmCommand.OK;
  }
}
