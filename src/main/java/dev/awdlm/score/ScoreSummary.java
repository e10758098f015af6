package dev.awdlm.score;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.percentile_approx;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@code _summary.json} of a scores dataset: totals, the corpus-level perplexity of everything
 * scored ({@code exp(total NLL / predicted tokens)}), and the distribution of per-record
 * perplexity. Records without tokens have no perplexity and are left out of the distribution.
 *
 * @param pplQuantiles per-record perplexity at {@link #QUANTILES}, keyed {@code p01 ... p99};
 *     approximate to {@code 1 / 10000} in rank; empty when no record was scored
 */
public record ScoreSummary(String schema, String model, String modelRunId, List<String> data, String format, String unit,
    long records, long scoredRecords, long emptyRecords, long truncatedRecords, long tokens, long predictedTokens, long oov,
    Double oovRate, long invalidBytes, Double totalNll, Double ppl, Double bitsPerToken, Double pplMin, Double pplMean,
    Double pplMax, Map<String, Double> pplQuantiles, Double keepBelow, Double keepAbove, String kept, Long keptRecords,
    int maxTokens, int batchSize, double seconds, double recordsPerS, double tokensPerS) {

  public static final String SCHEMA = "awdlm.scores/1";
  static final double[] QUANTILES = {0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99};
  private static final int ACCURACY = 10_000;

  static ScoreSummary of(Totals t, ScoreRequest r, String modelRunId, int maxTokens, int batchSize, Long keptRecords,
      double seconds) {
    boolean any = t.predicted() > 0;
    return new ScoreSummary(SCHEMA, r.model(), modelRunId, r.data(), r.format().name().toLowerCase(java.util.Locale.ROOT),
        r.unit().name().toLowerCase(java.util.Locale.ROOT), t.records(), t.scored(), t.empty(), t.truncated(), t.tokens(), t.predicted(), t.oov(),
        t.tokens() > 0 ? (double) t.oov() / t.tokens() : null, t.invalidBytes(), t.nll(),
        any ? Math.exp(t.nll() / t.predicted()) : null, any ? t.nll() / t.predicted() / Math.log(2) : null,
        t.pplMin(), t.pplMean(), t.pplMax(), t.quantiles(), r.keepBelow(), r.keepAbove(), r.kept(), keptRecords,
        maxTokens, batchSize, seconds, t.records() / seconds, t.predicted() / seconds);
  }

  /** What the aggregation over the scores gives, before timing and the kept records are known. */
  record Totals(long records, long empty, long truncated, long tokens, long predicted, long oov, long invalidBytes,
      Double nll, long scored, Double pplMin, Double pplMean, Double pplMax, Map<String, Double> quantiles) {}

  /** One aggregation job over the scores ({@code ScoreJob}'s Parquet columns). */
  static Totals totals(Dataset<Row> scores) {
    Row r = scores.agg(count(lit(1)), sum(when(col("tokens").equalTo(0), 1).otherwise(0)),
        sum(when(col("truncated"), 1).otherwise(0)), sum("tokens"), sum("predicted_tokens"), sum("oov"),
        sum(ScoreInput.INVALID_BYTES), sum("nll"), count("ppl"), min("ppl"), avg("ppl"), max("ppl"),
        percentile_approx(col("ppl"), lit(QUANTILES), lit(ACCURACY))).first();
    Map<String, Double> quantiles = new LinkedHashMap<>();
    if (!r.isNullAt(12)) {
      List<Double> values = r.getList(12);
      for (int i = 0; i < QUANTILES.length; i++) quantiles.put(String.format("p%02d", Math.round(100 * QUANTILES[i])), values.get(i));
    }
    return new Totals(r.getLong(0), orZero(r, 1), orZero(r, 2), orZero(r, 3), orZero(r, 4), orZero(r, 5), orZero(r, 6),
        r.isNullAt(7) ? null : r.getDouble(7), r.getLong(8), nullable(r, 9), nullable(r, 10), nullable(r, 11), quantiles);
  }

  private static long orZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : r.getLong(i);
  }

  private static Double nullable(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }
}
