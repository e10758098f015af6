package dev.awdlm.ml;

import dev.awdlm.eval.SavedModel;
import dev.awdlm.score.RecordScore;
import dev.awdlm.score.RecordScorer;
import dev.awdlm.score.ScoringModel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds a saved awdlm model's score of each row's text as a struct column {@code outputCol}:
 * {@code tokens, predicted_tokens, oov, nll, ppl, bits_per_token, truncated} (see
 * {@link RecordScore}; docs/scoring.md). Each row is scored from a fresh state, on the executors,
 * many rows of similar length per forward pass; rows keep their order. Saved and loaded with
 * {@code MLWritable}/{@code MLReadable} (the parameters only: the model stays at {@code modelUri}).
 */
public final class LanguageModelScorer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;
  /** Rows sorted by length together: enough batches that neighbours have similar lengths. */
  private static final int BATCHES_PER_BUFFER = 16;

  private final String uid;
  private final Param<String> modelUri;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> idCol;
  private final IntParam maxTokens;
  private final IntParam batchSize;
  private transient SavedModel model;
  private transient String modelFrom;

  public LanguageModelScorer() {
    this(Identifiable$.MODULE$.randomUID("lmScorer"));
  }

  /** Spark ML's readers construct a stage from its uid. */
  public LanguageModelScorer(String uid) {
    this.uid = uid;
    // Params name their parent by uid, so they are made after it is set.
    modelUri = new Param<>(this, "modelUri", "the saved model: a run directory, its model/ directory, or model.zip");
    inputCol = new Param<>(this, "inputCol", "the string column holding each record's text");
    outputCol = new Param<>(this, "outputCol", "the struct column the scores go to");
    idCol = new Param<>(this, "idCol", "a column that names a record in the executors' log lines (optional)");
    maxTokens = new IntParam(this, "maxTokens", "longer records are scored on their first maxTokens tokens (> 0)",
        ParamValidators.gt(0));
    batchSize = new IntParam(this, "batchSize", "records scored together in one forward pass (> 0)", ParamValidators.gt(0));
    setDefault(inputCol, "text");
    setDefault(outputCol, "lm");
    setDefault(maxTokens, 10_000);
    setDefault(batchSize, 64);
  }

  public static MLReader<LanguageModelScorer> read() {
    return new DefaultParamsReader<>();
  }

  public static LanguageModelScorer load(String path) {
    return read().load(path);
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> modelUri() {
    return modelUri;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> idCol() {
    return idCol;
  }

  public IntParam maxTokens() {
    return maxTokens;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  public LanguageModelScorer setModelUri(String value) {
    return (LanguageModelScorer) set(modelUri, value);
  }

  public LanguageModelScorer setInputCol(String value) {
    return (LanguageModelScorer) set(inputCol, value);
  }

  public LanguageModelScorer setOutputCol(String value) {
    return (LanguageModelScorer) set(outputCol, value);
  }

  public LanguageModelScorer setIdCol(String value) {
    return (LanguageModelScorer) set(idCol, value);
  }

  public LanguageModelScorer setMaxTokens(int value) {
    return (LanguageModelScorer) set(maxTokens, value);
  }

  public LanguageModelScorer setBatchSize(int value) {
    return (LanguageModelScorer) set(batchSize, value);
  }

  public String getModelUri() {
    if (!isDefined(modelUri)) throw new IllegalArgumentException(uid + ": modelUri is not set");
    return $(modelUri);
  }

  public String getInputCol() {
    return $(inputCol);
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  /** The id column, or null when none is set. */
  public String getIdCol() {
    return isDefined(idCol) ? $(idCol) : null;
  }

  public int getMaxTokens() {
    return (Integer) $(maxTokens);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  /** The model {@code modelUri} names, loaded on the driver once (a bad one is a {@code ConfigError}). */
  public SavedModel model(Configuration conf) {
    String uri = getModelUri();
    if (model == null || !uri.equals(modelFrom)) {
      model = SavedModel.load("modelUri", uri, conf);
      modelFrom = uri;
    }
    return model;
  }

  /** The struct {@link #transform} adds. */
  public static StructType scoreType() {
    return new StructType(new StructField[] {
        DataTypes.createStructField("tokens", DataTypes.IntegerType, false),
        DataTypes.createStructField("predicted_tokens", DataTypes.IntegerType, false),
        DataTypes.createStructField("oov", DataTypes.IntegerType, false),
        DataTypes.createStructField("nll", DataTypes.DoubleType, true),
        DataTypes.createStructField("ppl", DataTypes.DoubleType, true),
        DataTypes.createStructField("bits_per_token", DataTypes.DoubleType, true),
        DataTypes.createStructField("truncated", DataTypes.BooleanType, false)});
  }

  @Override
  public StructType transformSchema(StructType schema) {
    getModelUri();
    List<String> columns = Arrays.asList(schema.fieldNames());
    if (!columns.contains(getInputCol())) {
      throw new IllegalArgumentException("inputCol '" + getInputCol() + "' is not a column of the input " + columns);
    }
    if (!schema.apply(getInputCol()).dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException("inputCol '" + getInputCol() + "' must be a string column, not "
          + schema.apply(getInputCol()).dataType().simpleString());
    }
    if (getIdCol() != null && !columns.contains(getIdCol())) {
      throw new IllegalArgumentException("idCol '" + getIdCol() + "' is not a column of the input " + columns);
    }
    if (columns.contains(getOutputCol())) {
      throw new IllegalArgumentException("outputCol '" + getOutputCol() + "' is already a column of the input");
    }
    return schema.add(DataTypes.createStructField(getOutputCol(), scoreType(), false));
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType out = transformSchema(dataset.schema());
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(dataset.sparkSession().sparkContext());
    // Not destroyed here: the result is lazy and may be recomputed; Spark's cleaner drops it with the plan.
    Broadcast<ScoringModel> shared = sc.broadcast(ScoringModel.of(model(sc.hadoopConfiguration()), getBatchSize(), getMaxTokens()));
    StructType in = dataset.schema();
    int text = in.fieldIndex(getInputCol());
    int id = getIdCol() == null ? -1 : in.fieldIndex(getIdCol());
    return dataset.toDF().mapPartitions(new ScorePartition(shared, text, id), Encoders.row(out));
  }

  @Override
  public LanguageModelScorer copy(ParamMap extra) {
    return (LanguageModelScorer) defaultCopy(extra);
  }

  /** Scores a partition in buffers of rows, emitting each row with its score appended, in order. */
  private static final class ScorePartition implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(LanguageModelScorer.class);
    private final Broadcast<ScoringModel> shared;
    private final int text;
    private final int id;

    ScorePartition(Broadcast<ScoringModel> shared, int text, int id) {
      this.shared = shared;
      this.text = text;
      this.id = id;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      ScoringModel model = shared.value();
      int buffer = BATCHES_PER_BUFFER * model.batchSize();
      return new Iterator<>() {
        private RecordScorer scorer; // restored on the first row: an empty partition costs nothing
        private Iterator<Row> scored = List.<Row>of().iterator();

        @Override
        public boolean hasNext() {
          if (!scored.hasNext() && rows.hasNext()) scored = scoreBuffer(rows, buffer);
          return scored.hasNext();
        }

        @Override
        public Row next() {
          if (!hasNext()) throw new NoSuchElementException();
          return scored.next();
        }

        private Iterator<Row> scoreBuffer(Iterator<Row> rows, int size) {
          if (scorer == null) scorer = model.open();
          List<Row> batch = new ArrayList<>(size);
          List<String> texts = new ArrayList<>(size);
          while (rows.hasNext() && batch.size() < size) {
            Row row = rows.next();
            batch.add(row);
            texts.add(row.isNullAt(text) ? null : row.getString(text));
          }
          List<RecordScore> scores = scorer.score(texts);
          List<Row> out = new ArrayList<>(batch.size());
          for (int i = 0; i < batch.size(); i++) out.add(withScore(batch.get(i), scores.get(i), model.maxTokens()));
          return out.iterator();
        }
      };
    }

    private Row withScore(Row row, RecordScore s, int maxTokens) {
      if (s.truncated()) {
        LOG.info("score: record {} has {} tokens; scored on its first {}", id < 0 ? "(no idCol)" : row.get(id), s.tokens(),
            maxTokens);
      }
      Object[] values = new Object[row.size() + 1];
      for (int i = 0; i < row.size(); i++) values[i] = row.get(i);
      values[row.size()] = RowFactory.create(s.tokens(), s.predictedTokens(), s.oov(), s.nll(), s.ppl(), s.bitsPerToken(),
          s.truncated());
      return RowFactory.create(values);
    }
  }
}
