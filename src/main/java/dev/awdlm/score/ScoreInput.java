package dev.awdlm.score;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.CorpusReader;
import dev.awdlm.corpus.Utf8;
import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.SerializableHadoopConf;
import dev.awdlm.score.ScoreRequest.Format;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The records to score as one DataFrame, whatever the input: {@code source} (the file),
 * {@code record} (the 0-based line of a text or JSON Lines file, or row of a Parquet file; 0 for a
 * whole file), {@code id} (with {@code --id-column}), {@code text} and {@code invalid_bytes}
 * (bytes that were not UTF-8 and became U+FFFD). Rows come in file order, then record order.
 */
public final class ScoreInput {
  public static final String SOURCE = "source";
  public static final String RECORD = "record";
  public static final String ID = "id";
  public static final String TEXT = "text";
  public static final String INVALID_BYTES = "invalid_bytes";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ScoreInput() {}

  /** {@code --format} when not given: text, unless a text column names JSON or Parquet files by their extension. */
  public static Format inferFormat(String textColumn, List<Path> files) {
    if (textColumn == null) return Format.TEXT;
    String name = files.get(0).getName().toLowerCase(Locale.ROOT).replaceFirst("\\.(gz|bz2)$", "");
    if (name.endsWith(".parquet")) return Format.PARQUET;
    if (name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".ndjson")) return Format.JSON;
    throw new ConfigError("--format", "cannot tell the format of " + files.get(0) + " from its name; pass --format json or parquet");
  }

  /**
   * @param files the expanded {@code --data} files
   * @param minPartitions for line-based input; a file is one partition when compressed (gzip) or whole
   */
  public static Dataset<Row> read(ScoreRequest r, List<Path> files, int minPartitions, SparkSession spark) {
    return switch (r.format()) {
      case TEXT -> r.unit() == ScoreRequest.Unit.FILE ? wholeFiles(files, spark) : lines(files, minPartitions, null, null, spark);
      case JSON -> requireText(r, lines(files, minPartitions, r.textColumn(), r.idColumn(), spark));
      case PARQUET -> parquet(r, files, spark);
    };
  }

  static StructType schema(boolean withId) {
    List<StructField> fields = new ArrayList<>(List.of(
        DataTypes.createStructField(SOURCE, DataTypes.StringType, false),
        DataTypes.createStructField(RECORD, DataTypes.LongType, false)));
    if (withId) fields.add(DataTypes.createStructField(ID, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(TEXT, DataTypes.StringType, true));
    fields.add(DataTypes.createStructField(INVALID_BYTES, DataTypes.IntegerType, false));
    return DataTypes.createStructType(fields);
  }

  /**
   * One record per line, or per JSON object with {@code textField} (blank lines of JSON Lines are
   * no records). The line number within its file needs the line count of the file's earlier
   * partitions: one counting pass, which reads but does not tokenize.
   */
  private static Dataset<Row> lines(List<Path> files, int minPartitions, String textField, String idField, SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    CorpusReader.Corpus corpus = new CorpusReader(sc).read("--data", files, minPartitions);
    List<Long> counts = corpus.lines().mapPartitions(it -> {
      long n = 0;
      for (; it.hasNext(); it.next()) n++;
      return List.of(n).iterator();
    }).collect();
    long[] first = new long[counts.size()];
    for (int p = 1; p < first.length; p++) {
      boolean sameFile = corpus.fileOf(p) == corpus.fileOf(p - 1);
      first[p] = sameFile ? first[p - 1] + counts.get(p - 1) : 0;
    }
    List<String> names = files.stream().map(Path::toString).toList();
    int[] fileOf = new int[counts.size()];
    for (int p = 0; p < fileOf.length; p++) fileOf[p] = corpus.fileOf(p);
    JavaRDD<Row> rows = corpus.lines().mapPartitionsWithIndex((p, it) -> {
      String source = names.get(fileOf[p]);
      List<Row> out = new ArrayList<>();
      for (long line = first[p]; it.hasNext(); line++) {
        Utf8.Line l = it.next();
        if (textField == null) out.add(RowFactory.create(source, line, l.text(), l.invalidBytes()));
        else if (!l.text().isBlank()) out.add(jsonRow(source, line, l, textField, idField));
      }
      return out.iterator();
    }, true);
    return spark.createDataFrame(rows, schema(idField != null));
  }

  private static Row jsonRow(String source, long line, Utf8.Line l, String textField, String idField) {
    JsonNode node;
    try {
      node = JSON.readTree(l.text());
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node == null || !node.isObject()) {
      throw new ConfigError("--data", source, "line " + (line + 1) + " is not a JSON object (JSON input is one object per line)");
    }
    String text = value(node.get(textField));
    if (idField == null) return RowFactory.create(source, line, text, l.invalidBytes());
    return RowFactory.create(source, line, value(node.get(idField)), text, l.invalidBytes());
  }

  /** A string as it is; another value as its JSON text; absent or null as null. */
  private static String value(JsonNode v) {
    if (v == null || v.isNull()) return null;
    return v.isTextual() ? v.asText() : v.toString();
  }

  /** A text field that no object has is a misspelt column, not a corpus of empty records. */
  private static Dataset<Row> requireText(ScoreRequest r, Dataset<Row> rows) {
    if (rows.where(functions.col(TEXT).isNotNull()).isEmpty()) {
      throw new ConfigError("--text-column", r.textColumn(), "no object in " + r.data() + " has this field");
    }
    return rows;
  }

  /** A record per file: its lines, decoded (and decompressed by extension) on an executor. */
  private static Dataset<Row> wholeFiles(List<Path> files, SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableHadoopConf> conf = sc.broadcast(new SerializableHadoopConf(sc.hadoopConfiguration()));
    List<String> names = files.stream().map(Path::toString).toList();
    JavaRDD<Row> rows = sc.parallelize(names, Math.max(1, Math.min(names.size(), 4 * sc.defaultParallelism())))
        .map(name -> {
          byte[] bytes = readFile(new Path(name), conf.value().get());
          Utf8.Line decoded = Utf8.decode(bytes, bytes.length);
          return RowFactory.create(name, 0L, decoded.text(), decoded.invalidBytes());
        });
    return spark.createDataFrame(rows, schema(false));
  }

  private static byte[] readFile(Path file, Configuration conf) {
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
    try (InputStream raw = HadoopFiles.open(file, conf);
        InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  /** Parquet's own reader; {@code _metadata.row_index} numbers the rows of each file. */
  private static Dataset<Row> parquet(ScoreRequest r, List<Path> files, SparkSession spark) {
    Dataset<Row> df = spark.read().parquet(files.stream().map(Path::toString).toArray(String[]::new));
    List<String> columns = Arrays.asList(df.columns());
    for (String[] c : new String[][] {{"--text-column", r.textColumn()}, {"--id-column", r.idColumn()}}) {
      if (c[1] != null && !columns.contains(c[1])) {
        throw new ConfigError(c[0], c[1], "is not a column of " + r.data() + " (columns: " + String.join(", ", columns) + ")");
      }
    }
    StructField text = df.schema().apply(r.textColumn());
    if (!text.dataType().equals(DataTypes.StringType)) {
      throw new ConfigError("--text-column", r.textColumn(), "is a " + text.dataType().simpleString() + " column; it must hold strings");
    }
    List<Column> select = new ArrayList<>(List.of(df.col("_metadata.file_path").as(SOURCE), df.col("_metadata.row_index").as(RECORD)));
    if (r.idColumn() != null) select.add(df.col(quoted(r.idColumn())).cast(DataTypes.StringType).as(ID));
    select.add(df.col(quoted(r.textColumn())).as(TEXT));
    select.add(functions.lit(0).as(INVALID_BYTES));
    return df.select(select.toArray(Column[]::new));
  }

  /** A column name as a reference, so a dot in it is not read as a struct field. */
  private static String quoted(String column) {
    return "`" + column.replace("`", "``") + "`";
  }
}
