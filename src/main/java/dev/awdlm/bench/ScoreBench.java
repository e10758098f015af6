package dev.awdlm.bench;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.ScoreConfig;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.eval.TextEvaluation;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.ml.LanguageModelScorer;
import dev.awdlm.score.ScoreJob;
import dev.awdlm.score.ScoreRequest;
import dev.awdlm.score.ScoreSummary;
import dev.awdlm.spark.SparkSessions;
import java.io.File;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench score}: {@code score} against {@code evaluate} on the same text with the same model: records and tokens
 * per second of a whole {@code score} job (read, score, write Parquet, summarise), and the
 * tokens per second {@code evaluate} reports for its evaluation pass. Evaluation's figure leaves
 * out its encoding and export, so the comparison is, if anything, harsh on scoring.
 */
public final class ScoreBench {
  public static final double TARGET_VS_EVALUATE = 0.8;
  public static final double TARGET_SPEEDUP = 1.7;

  private ScoreBench() {}

  /**
   * @param model a saved model: a run directory, its model/ directory, or model.zip
   * @param data the text to score, one record per line; empty: the model's own {@code data.test}
   * @param cores the {@code local[N]} masters to compare, the speed-up taken from the first to the last
   * @param repeats timed runs per job and master, of which the median counts
   */
  public record Options(String model, List<String> data, List<Integer> cores, int repeats) {
    public Options {
      if (model == null || model.isBlank()) throw new ConfigError("--model", model, "must name a saved model");
      data = List.copyOf(data);
      cores = List.copyOf(cores);
      if (cores.isEmpty()) throw new ConfigError("--cores", "name at least one local[N] master");
      for (int n : cores) if (n < 1) throw new ConfigError("--cores", n, "must be >= 1");
      if (repeats < 1) throw new ConfigError("--repeats", repeats, "must be >= 1");
    }
  }

  /**
   * Times both jobs on every master, prints a line per master, and publishes
   * {@code <output.dir>/bench/score.json}; the scratch outputs under {@code <output.dir>/bench/} are deleted.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}: {@code score.*} and where the result goes
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    AwdlmConfig c = ConfigLoader.load(config, overrides);
    Configuration hadoop = SparkSessions.hadoopConfiguration();
    SavedModel saved = SavedModel.load("--model", options.model(), hadoop);
    List<String> text = options.data().isEmpty() ? saved.config().data().test() : options.data();
    List<Path> files = HadoopFs.expandInputs(options.data().isEmpty() ? "data.test" : "--data", text, hadoop);
    LanguageModelScorer scorer = ScoreJob.scorer(options.model(), false, c.score(), hadoop);
    Path work = HadoopFs.qualify(RunLayout.benchScratch(c.output().root(), "score"), hadoop);

    BenchResult result = new BenchResult("score").put("model", options.model()).put("data", text).put("cores", options.cores())
        .put("repeats", options.repeats()).put("batch_size", c.score().batchSize());
    List<ScoreRun> scores = new ArrayList<>();
    List<EvaluateRun> evaluations = new ArrayList<>();
    for (int n : options.cores()) {
      SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + n + "]").set("spark.ui.enabled", "false");
      try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
        ScoreRun s = median(() -> score(spark, scorer, options.model(), text, files, c.score(), work),
            Comparator.comparingDouble(ScoreRun::seconds), options.repeats());
        EvaluateRun e = median(() -> evaluate(spark, saved, options.model(), text, work),
            Comparator.comparingDouble(r -> -r.tokensPerS()), options.repeats());
        out.printf("local[%d] score %,d records, %,d tokens: %,.0f records/s, %,.0f tokens/s; evaluate %,.0f tokens/s"
            + " (%,.0f over its wall time): %.2fx%n", n, s.records(), s.tokens(), s.recordsPerS(), s.tokensPerS(), e.tokensPerS(),
            e.wallTokensPerS(), s.tokensPerS() / e.tokensPerS());
        result.put("records", s.records()).put("tokens", s.tokens())
            .put("score_records_per_s_" + n, s.recordsPerS()).put("score_tokens_per_s_" + n, s.tokensPerS())
            .put("evaluate_tokens_per_s_" + n, e.tokensPerS()).put("evaluate_wall_tokens_per_s_" + n, e.wallTokensPerS())
            .put("score_vs_evaluate_" + n, s.tokensPerS() / e.tokensPerS());
        scores.add(s);
        evaluations.add(e);
      } finally {
        HadoopFs.deleteRecursively(work, hadoop);
      }
    }
    summarise(result, options.cores(), scores, evaluations, out);
    result.publish(c.output().root(), hadoop, out);
    return result;
  }

  /** The targets, judged on the last master: score against evaluate there, and its speed-up from the first. */
  private static void summarise(BenchResult result, List<Integer> cores, List<ScoreRun> scores, List<EvaluateRun> evaluations,
      PrintStream out) {
    int last = cores.size() - 1;
    double vsEvaluate = scores.get(last).tokensPerS() / evaluations.get(last).tokensPerS();
    double speedup = scores.get(last).tokensPerS() / scores.get(0).tokensPerS();
    out.printf("score: %.2fx evaluate's tokens/s on local[%d]; %.2fx from local[%d] to local[%d]%n", vsEvaluate,
        cores.get(last), speedup, cores.get(0), cores.get(last));
    result.put("score_vs_evaluate", vsEvaluate).put("speedup", speedup)
        .put("target_score_vs_evaluate", TARGET_VS_EVALUATE).put("target_speedup", TARGET_SPEEDUP)
        .put("meets_targets", vsEvaluate >= TARGET_VS_EVALUATE && speedup >= TARGET_SPEEDUP);
  }

  /** One warm-up run, then the median of {@code repeats} timed ones. */
  static <T> T median(Supplier<T> run, Comparator<T> order, int repeats) {
    run.get();
    List<T> runs = new ArrayList<>();
    for (int i = 0; i < repeats; i++) runs.add(run.get());
    runs.sort(order);
    return runs.get(runs.size() / 2);
  }

  /** One timed {@code score} job. */
  public record ScoreRun(long records, long tokens, double seconds, double recordsPerS, double tokensPerS) {}

  /** One timed {@code evaluate --model --data}: its own evaluation tokens/s, and over its whole wall time. */
  public record EvaluateRun(long tokens, double tokensPerS, double wallTokensPerS) {}

  /** @param work a scratch directory; each job writes under a fresh name there, deleted afterwards */
  public static ScoreRun score(SparkSession spark, LanguageModelScorer scorer, String model, List<String> data, List<Path> files,
      ScoreConfig config, Path work) {
    Path output = new Path(work, "scores-" + UUID.randomUUID());
    ScoreRequest request = new ScoreRequest(model, data, output.toString(), ScoreRequest.Unit.LINE, ScoreRequest.Format.TEXT,
        null, null, null, null, null);
    try {
      ScoreSummary s = ScoreJob.run(request, files, scorer, config, spark);
      return new ScoreRun(s.records(), s.predictedTokens(), s.seconds(), s.recordsPerS(), s.tokensPerS());
    } finally {
      HadoopFs.deleteRecursively(output, spark.sparkContext().hadoopConfiguration());
    }
  }

  /** @param chunks as {@code evaluate}'s default: the larger of the model's evalBatchSize and the parallelism */
  public static EvaluateRun evaluate(SparkSession spark, SavedModel model, String uri, List<String> data, Path work) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int chunks = Math.max(model.config().train().evalBatchSize(), sc.defaultParallelism());
    long start = System.nanoTime();
    TextEvaluation.Result r = TextEvaluation.run(model, uri, data, chunks, 0, work, sc);
    double wall = (System.nanoTime() - start) / 1e9;
    return new EvaluateRun(r.predictedTokens(), r.tokensPerS(), r.predictedTokens() / wall);
  }
}
