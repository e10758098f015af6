package dev.awdlm.bench;

import dev.awdlm.config.ScoreConfig;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.eval.TextEvaluation;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.ml.LanguageModelScorer;
import dev.awdlm.score.ScoreJob;
import dev.awdlm.score.ScoreRequest;
import dev.awdlm.score.ScoreSummary;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * {@code score} against {@code evaluate} on the same text with the same model: records and tokens
 * per second of a whole {@code score} job (read, score, write Parquet, summarise), and the
 * tokens per second {@code evaluate} reports for its evaluation pass. Evaluation's figure leaves
 * out its encoding and export, so the comparison is, if anything, harsh on scoring.
 */
public final class ScoreBench {
  private ScoreBench() {}

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
