package dev.awdlm.eval;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code evaluate --model --data}: the perplexity of a saved model on any text, tokenized with the
 * model's own tokenizer and vocabulary. The text is cut into {@code chunks} contiguous pieces, each
 * evaluated statefully from a zero state on an executor. On small inputs the whole text is also
 * evaluated as one chunk, which shows what the chunk boundaries cost.
 */
public final class TextEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(TextEvaluation.class);

  /**
   * @param tokens tokens in the text (end-of-line markers included)
   * @param oovRate share of tokens outside the model's vocabulary
   * @param predictedTokens tokens that got a prediction: each chunk's first token has none, and up
   *     to {@code chunks - 1} trailing tokens that do not fill a chunk are left out
   * @param singleChunkPpl the same text as one chunk; null when the text is above the limit
   * @param boundaryCost {@code perplexity / singleChunkPpl - 1}; null without a single-chunk run
   */
  public record Result(String model, List<String> data, long tokens, double oovRate, double totalNll, long predictedTokens,
      double perplexity, int chunks, int tasks, double tokensPerS, Double singleChunkPpl, Long singleChunkTokens,
      Double boundaryCost) {}

  private TextEvaluation() {}

  /**
   * @param scratch where the encoded text is staged (deleted afterwards); executors must read it
   * @param singleChunkMaxTokens run the single-chunk reference up to this many tokens (0: never)
   */
  public static Result run(SavedModel model, String modelUri, List<String> data, int chunks, long singleChunkMaxTokens,
      Path scratch, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    Path work = RunLayout.evaluateScratch(scratch);
    int window = model.config().train().bptt();
    try {
      sc.setJobDescription("evaluate: encode " + chunks + " chunks");
      PrepareStats.SplitStats encoded = PrepareJob.exportEval(model.config(), model.vocab(), "--data", data, chunks,
          new Path(work, "chunks"), sc);
      sc.setJobDescription("evaluate: " + chunks + " chunks");
      DistributedEvaluator.Result r = DistributedEvaluator.evaluate(sc, model.net(),
          HadoopFs.listFiles(new Path(work, "chunks"), StreamExporter.SUFFIX, conf), chunks, window, sc.defaultParallelism());
      LOG.info(String.format("evaluate: perplexity %.2f over %d tokens in %d chunks (%d tasks, %.0f tokens/s)",
          r.total().perplexity(), r.total().tokens(), chunks, r.tasks(), r.tokensPerSecond()));
      Double single = null;
      Long singleTokens = null;
      if (chunks > 1 && encoded.tokens() <= singleChunkMaxTokens) {
        sc.setJobDescription("evaluate: single chunk");
        PrepareJob.exportEval(model.config(), model.vocab(), "--data", data, 1, new Path(work, "single"), sc);
        DistributedEvaluator.Result one = DistributedEvaluator.evaluate(sc, model.net(),
            HadoopFs.listFiles(new Path(work, "single"), StreamExporter.SUFFIX, conf), 1, window, 1);
        single = one.total().perplexity();
        singleTokens = one.total().tokens();
        LOG.info(String.format("evaluate: as a single chunk: perplexity %.2f over %d tokens", single, singleTokens));
      }
      sc.setJobDescription(null);
      return new Result(modelUri, List.copyOf(data), encoded.tokens(), encoded.oovRate(), r.total().totalNll(),
          r.total().tokens(), r.total().perplexity(), chunks, r.tasks(), r.tokensPerSecond(), single, singleTokens,
          single == null ? null : r.total().perplexity() / single - 1);
    } finally {
      HadoopFs.deleteRecursively(work, conf);
    }
  }
}
