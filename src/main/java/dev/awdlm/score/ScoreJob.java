package dev.awdlm.score;

import static org.apache.spark.sql.functions.col;

import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ScoreConfig;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.ml.LanguageModelScorer;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code awdlm score}: reads the records ({@link ScoreInput}), scores them with
 * {@link LanguageModelScorer}, and writes one Parquet row per record to {@code --output}, with
 * {@code _summary.json} and {@code _SUCCESS} beside the part files (underscored, so Parquet readers
 * skip them). With a keep bound, the kept records' text goes to {@code --kept}, in input order.
 * Everything is written to hidden staging directories next to the targets and renamed into place
 * when complete, so a failed job leaves nothing at either.
 */
public final class ScoreJob {
  public static final String SUMMARY = "_summary.json";
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);
  private static final String SCORE = "lm";

  private ScoreJob() {}

  /**
   * The transformer the job uses, its model loaded now: a bad model fails before Spark starts.
   *
   * @param withId the input has an {@code id} column ({@code --id-column}), which then names records in log lines
   */
  public static LanguageModelScorer scorer(String model, boolean withId, ScoreConfig score, Configuration conf) {
    LanguageModelScorer scorer = new LanguageModelScorer().setModelUri(model).setInputCol(ScoreInput.TEXT)
        .setOutputCol(SCORE).setMaxTokens(score.maxTokens()).setBatchSize(score.batchSize());
    if (withId) scorer.setIdCol(ScoreInput.ID);
    scorer.model(conf);
    return scorer;
  }

  /** Outputs are never replaced: an existing one is refused before anything runs. */
  public static void checkOutputs(ScoreRequest r, Configuration conf) {
    if (HadoopFs.exists(HadoopFs.location("--output", r.output()), conf)) {
      throw new ConfigError("--output", r.output(), "already exists; choose another location or remove it");
    }
    if (r.kept() != null && HadoopFs.exists(HadoopFs.location("--kept", r.kept()), conf)) {
      throw new ConfigError("--kept", r.kept(), "already exists; choose another location or remove it");
    }
  }

  /**
   * Records vary in length, so one partition per core leaves a core idle while the other finishes:
   * on Brown's test split in {@code local[2]} the two tasks took 21.4 and 24.8 s (Spark's event
   * log), and with 4 partitions a core the speed-up from 1 to 2 cores went from 1.65x to 1.72x.
   */
  static final int PARTITIONS_PER_CORE = 4;

  /**
   * @param files the expanded {@code --data}
   * @param score for {@code score.partitions}; the scorer carries the other settings
   */
  public static ScoreSummary run(ScoreRequest r, List<Path> files, LanguageModelScorer scorer, ScoreConfig score,
      SparkSession spark) {
    long start = System.nanoTime();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Configuration conf = sc.hadoopConfiguration();
    Path output = HadoopFs.qualify(HadoopFs.location("--output", r.output()), conf);
    Path kept = r.kept() == null ? null : HadoopFs.qualify(HadoopFs.location("--kept", r.kept()), conf);
    Path staging = staging(output);
    Path keptStaging = kept == null ? null : staging(kept);
    int partitions = score.partitions() > 0 ? score.partitions() : PARTITIONS_PER_CORE * sc.defaultParallelism();
    try {
      sc.setJobDescription("score: read " + r.data());
      Dataset<Row> input = ScoreInput.read(r, files, partitions, spark);
      sc.setJobDescription("score: " + r.data());
      scorer.transform(input).select(outputColumns(r)).write().parquet(staging.toString());
      Dataset<Row> scores = spark.read().parquet(staging.toString());
      Long keptRecords = kept == null ? null : writeKept(r, ScoreInput.read(r, files, partitions, spark), scores, keptStaging);
      sc.setJobDescription("score: summary");
      SavedModel model = scorer.model(conf);
      ScoreSummary summary = ScoreSummary.of(ScoreSummary.totals(scores), r, model.runId(), scorer.getMaxTokens(),
          scorer.getBatchSize(), keptRecords, (System.nanoTime() - start) / 1e9);
      HadoopFs.writeAtomically(new Path(staging, SUMMARY), conf, Json.pretty(summary));
      publish(staging, output, keptStaging, kept, conf);
      LOG.info("score: {} records, {} predicted tokens -> {}", summary.records(), summary.predictedTokens(), output);
      return summary;
    } finally {
      sc.setJobDescription(null);
      HadoopFs.deleteRecursively(staging, conf);
      if (keptStaging != null) HadoopFs.deleteRecursively(keptStaging, conf);
    }
  }

  private static Path staging(Path target) {
    return new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
  }

  private static Column[] outputColumns(ScoreRequest r) {
    List<Column> columns = new ArrayList<>(List.of(col(ScoreInput.SOURCE), col(ScoreInput.RECORD)));
    if (r.idColumn() != null) columns.add(col(ScoreInput.ID));
    for (String field : LanguageModelScorer.scoreType().fieldNames()) columns.add(col(SCORE + "." + field).as(field));
    columns.add(col(ScoreInput.INVALID_BYTES));
    return columns.toArray(Column[]::new);
  }

  /** The kept records' text, one per line, in input order; records without a perplexity are never kept. */
  private static long writeKept(ScoreRequest r, Dataset<Row> input, Dataset<Row> scores, Path target) {
    Column keep = col("ppl").isNotNull();
    if (r.keepBelow() != null) keep = keep.and(col("ppl").lt(r.keepBelow()));
    if (r.keepAbove() != null) keep = keep.and(col("ppl").gt(r.keepAbove()));
    Dataset<Row> keys = scores.where(keep).select(col(ScoreInput.SOURCE).as("k_source"), col(ScoreInput.RECORD).as("k_record"));
    input.join(keys, col(ScoreInput.SOURCE).equalTo(col("k_source")).and(col(ScoreInput.RECORD).equalTo(col("k_record"))))
        .orderBy(ScoreInput.SOURCE, ScoreInput.RECORD)
        .select(ScoreInput.TEXT)
        .write().text(target.toString());
    return keys.count();
  }

  /** The kept text first, so that a finished {@code --output} always has its kept records beside it. */
  private static void publish(Path staging, Path output, Path keptStaging, Path kept, Configuration conf) {
    if (kept != null) HadoopFs.publishDirectory(keptStaging, kept, conf);
    try {
      HadoopFs.publishDirectory(staging, output, conf);
    } catch (RuntimeException e) {
      if (kept != null) HadoopFs.deleteRecursively(kept, conf);
      throw e;
    }
  }
}
