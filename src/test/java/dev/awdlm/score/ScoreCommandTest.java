package dev.awdlm.score;

import static dev.awdlm.testing.CliRun.awdlm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.io.Json;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.testing.CliRun;
import dev.awdlm.testing.SparkExtension;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code awdlm score} end to end, in this JVM: the Parquet dataset read back by parquet-hadoop's
 * own reader (no Spark), the summary, the kept text, every input format, and every bad input
 * (exit 2, the input named, nothing at {@code --output}). The command closes the Spark session it
 * runs in, so each run gets a fresh {@code local[2]} one, as {@link SparkExtension} configures it.
 */
class ScoreCommandTest {
  @TempDir static Path tmp;
  static String model;
  static List<String> valid;

  @BeforeAll
  static void train() throws Exception {
    SparkSession spark = session();
    model = TinyModel.run(SparkSessions.context(spark)).toUri().toString();
    valid = Files.readAllLines(TinyModel.corpus(SparkSessions.context(spark)).resolve("valid.txt"));
  }

  @AfterAll
  static void stop() {
    SparkSession.getDefaultSession().foreach(s -> {
      s.stop();
      return null;
    });
  }

  private static SparkSession session() {
    return SparkSession.builder().config(SparkExtension.testConf("local[2]")).getOrCreate();
  }

  private static CliRun score(String... args) {
    session();
    List<String> all = new ArrayList<>(List.of("score", "--model", model));
    all.addAll(List.of(args));
    return awdlm(all.toArray(String[]::new));
  }

  /** Every row of a Parquet dataset, read with parquet-hadoop alone: field name to value. */
  static List<Map<String, Object>> readParquet(Path dir) throws Exception {
    List<Map<String, Object>> rows = new ArrayList<>();
    List<Path> parts;
    try (Stream<Path> s = Files.list(dir)) {
      parts = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).sorted().toList();
    }
    for (Path part : parts) {
      try (ParquetReader<Group> reader = ParquetReader.builder(new GroupReadSupport(),
          new org.apache.hadoop.fs.Path(part.toUri())).withConf(new Configuration()).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          Map<String, Object> row = new HashMap<>();
          for (int f = 0; f < g.getType().getFieldCount(); f++) {
            String name = g.getType().getFieldName(f);
            if (g.getFieldRepetitionCount(f) == 0) {
              row.put(name, null);
              continue;
            }
            row.put(name, switch (g.getType().getType(f).asPrimitiveType().getPrimitiveTypeName()) {
              case INT32 -> g.getInteger(f, 0);
              case INT64 -> g.getLong(f, 0);
              case DOUBLE -> g.getDouble(f, 0);
              case BOOLEAN -> g.getBoolean(f, 0);
              default -> g.getString(f, 0);
            });
          }
          rows.add(row);
        }
      }
    }
    rows.sort((a, b) -> Long.compare((Long) a.get("record"), (Long) b.get("record")));
    return rows;
  }

  static void assertNothingAt(Path output) throws Exception {
    assertFalse(Files.exists(output), output + " exists");
    try (Stream<Path> s = Files.list(output.getParent())) {
      List<String> left = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("." + output.getFileName())).toList();
      assertEquals(List.of(), left, "staging left behind");
    }
  }

  @Test
  void scoresEveryLineIntoAParquetDatasetWithASummaryAndKeepsTheNaturalOnes() throws Exception {
    Path data = tmp.resolve("mixed.txt");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    List<String> lines = new ArrayList<>(valid.subList(0, 20));
    lines.add(""); // 20: empty
    lines.add("zzqx qqvv wwkk"); // 21: every word unknown
    lines.add(String.join(" ", valid.subList(20, 30))); // 22: longer than score.maxTokens
    for (String l : lines) bytes.write((l + "\n").getBytes(StandardCharsets.UTF_8));
    bytes.write(new byte[] {'t', 'h', 'e', ' ', (byte) 0xff, (byte) 0xfe, ' ', 'r', 'i', 'v', 'e', 'r', '\n'}); // 23: not UTF-8
    Files.write(data, bytes.toByteArray());
    Path output = tmp.resolve("scores");
    Path kept = tmp.resolve("kept");

    CliRun c = score("--data", data.toString(), "--output", output.toUri().toString(), "--set", "score.maxTokens=40",
        "--set", "score.batchSize=5", "--keep-below", "150", "--kept", kept.toString());
    assertEquals(0, c.code(), c.err());

    List<Map<String, Object>> rows = readParquet(output);
    assertEquals(24, rows.size(), "one row per input line");
    for (int i = 0; i < rows.size(); i++) {
      assertEquals((long) i, rows.get(i).get("record"));
      assertEquals("file:" + data, rows.get(i).get("source"));
    }
    Map<String, Object> empty = rows.get(20);
    assertEquals(0, empty.get("tokens"));
    assertNull(empty.get("ppl"), "no tokens: ppl is null, not NaN");
    assertNull(empty.get("nll"));
    assertEquals(4, rows.get(21).get("tokens"));
    assertEquals(3, rows.get(21).get("oov"));
    assertTrue((Double) rows.get(21).get("ppl") > 1);
    assertEquals(true, rows.get(22).get("truncated"));
    assertEquals(40, rows.get(22).get("predicted_tokens"));
    assertTrue((Integer) rows.get(22).get("tokens") > 40);
    assertEquals(2, rows.get(23).get("invalid_bytes"));
    assertNotNull(rows.get(23).get("ppl"), "a line with invalid bytes is scored, U+FFFD and all");

    ScoreSummary s = Json.read(new org.apache.hadoop.fs.Path(output.resolve(ScoreJob.SUMMARY).toUri()), ScoreSummary.class,
        new Configuration());
    assertEquals(24, s.records());
    assertEquals(1, s.emptyRecords());
    assertEquals(1, s.truncatedRecords());
    assertEquals(23, s.scoredRecords());
    double nll = 0;
    long predicted = 0;
    List<Double> ppl = new ArrayList<>();
    for (Map<String, Object> r : rows) {
      predicted += (Integer) r.get("predicted_tokens");
      if (r.get("nll") != null) nll += (Double) r.get("nll");
      if (r.get("ppl") != null) ppl.add((Double) r.get("ppl"));
    }
    assertEquals(predicted, s.predictedTokens());
    assertEquals(Math.exp(nll / predicted), s.ppl(), 1e-9 * s.ppl());
    ppl.sort(Double::compare);
    assertEquals(ppl.get(11), s.pplQuantiles().get("p50"), "the median of 23 values (exact at this size)");
    assertEquals(ppl.get(0), s.pplMin());
    assertEquals(ppl.get(22), s.pplMax());
    assertTrue(Files.exists(output.resolve("_SUCCESS")));
    String[] out = c.out().trim().split("\n");
    assertEquals(s, Json.parse(out[out.length - 1], ScoreSummary.class, "stdout"), "stdout's last line is the summary");

    List<String> expectedKept = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Double p = (Double) rows.get(i).get("ppl");
      if (p != null && p < 150) expectedKept.add(i == 23 ? "the \uFFFD\uFFFD river" : lines.get(i));
    }
    assertTrue(expectedKept.size() > 0 && expectedKept.size() < 24, expectedKept.size() + " kept: the bound should split the lines");
    assertEquals(expectedKept, keptLines(kept), "the kept records' text, in input order");
    assertEquals((long) expectedKept.size(), s.keptRecords());
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList());
    }

    CliRun again = score("--data", data.toString(), "--output", output.toString());
    assertEquals(2, again.code());
    assertTrue(again.err().contains("--output") && again.err().contains("already exists"), again.err());
  }

  private static List<String> keptLines(Path dir) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) out.addAll(Files.readAllLines(p));
    }
    return out;
  }

  @Test
  void unitFileScoresEachFileAsOneRecordOfItsLines() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("docs"));
    Files.write(dir.resolve("a.txt"), valid.subList(0, 3));
    Files.write(dir.resolve("b.txt"), valid.subList(3, 8));
    Path output = tmp.resolve("file-scores");
    CliRun c = score("--data", dir.toString(), "--unit", "file", "--output", output.toString());
    assertEquals(0, c.code(), c.err());
    List<Map<String, Object>> rows = readParquet(output);
    assertEquals(2, rows.size());
    rows.sort((x, y) -> ((String) x.get("source")).compareTo((String) y.get("source")));
    int tokensA = 0;
    for (String l : valid.subList(0, 3)) tokensA += l.split(" ").length + 1;
    assertEquals(tokensA, rows.get(0).get("tokens"), "each line's words and its <eos>");
    assertEquals(0L, rows.get(0).get("record"));
  }

  @Test
  void jsonLinesAndParquetInputTakeTheTextAndIdColumns() throws Exception {
    Path json = tmp.resolve("docs.jsonl");
    Files.write(json, List.of("{\"id\": 7, \"body\": \"" + valid.get(0) + "\"}", "", "{\"id\": \"x\"}",
        "{\"body\": \"" + valid.get(1) + "\", \"id\": null}"));
    Path jsonOut = tmp.resolve("json-scores");
    CliRun c = score("--data", json.toString(), "--text-column", "body", "--id-column", "id", "--output", jsonOut.toString());
    assertEquals(0, c.code(), c.err());
    List<Map<String, Object>> rows = readParquet(jsonOut);
    assertEquals(List.of(0L, 2L, 3L), rows.stream().map(r -> r.get("record")).toList(), "blank lines are no records");
    assertEquals("7", rows.get(0).get("id"));
    assertEquals(valid.get(0).split(" ").length + 1, rows.get(0).get("tokens"));
    assertEquals(0, rows.get(1).get("tokens"), "an object without the text field has no tokens");
    assertNull(rows.get(2).get("id"));

    Path parquet = tmp.resolve("docs.parquet");
    StructType schema = new StructType().add("n", DataTypes.LongType).add("body", DataTypes.StringType);
    List<Row> docs = new ArrayList<>();
    for (int i = 0; i < 5; i++) docs.add(RowFactory.create(100L + i, valid.get(i)));
    session().createDataFrame(docs, schema).coalesce(1).write().parquet(parquet.toString());
    Path parquetOut = tmp.resolve("parquet-scores");
    CliRun p = score("--data", parquet.toString(), "--text-column", "body", "--id-column", "n", "--output", parquetOut.toString());
    assertEquals(0, p.code(), p.err());
    List<Map<String, Object>> prow = readParquet(parquetOut);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), prow.stream().map(r -> r.get("record")).toList());
    assertEquals(List.of("100", "101", "102", "103", "104"), prow.stream().map(r -> r.get("id")).toList());
  }

  @Test
  void badInputInsideTheJobExitsTwoNamingItAndWritesNothing() throws Exception {
    Path parquet = tmp.resolve("bad.parquet");
    session().createDataFrame(List.of(RowFactory.create("a b c")), new StructType().add("body", DataTypes.StringType))
        .write().parquet(parquet.toString());
    Path output = tmp.resolve("bad-scores");
    CliRun column = score("--data", parquet.toString(), "--text-column", "bdy", "--output", output.toString());
    assertEquals(2, column.code(), column.err());
    assertTrue(column.err().contains("--text-column = 'bdy'") && column.err().contains(parquet.toString())
        && column.err().contains("columns: body"), column.err());
    assertNothingAt(output);

    Path json = tmp.resolve("broken.jsonl");
    Files.write(json, List.of("{\"body\": \"the river\"}", "{\"body\": \"the", "{\"body\": \"a farm\"}"));
    CliRun broken = score("--data", json.toString(), "--text-column", "body", "--output", output.toString());
    assertEquals(2, broken.code(), broken.err());
    assertTrue(broken.err().contains(json.toString()) && broken.err().contains("line 2 is not a JSON object"), broken.err());
    assertNothingAt(output);

    Path other = tmp.resolve("other.json");
    Files.write(other, List.of("{\"body\": \"the river\"}", "{\"title\": \"a farm\"}"));
    CliRun field = score("--data", other.toString(), "--text-column", "text", "--output", output.toString());
    assertEquals(2, field.code(), field.err());
    assertTrue(field.err().contains("--text-column = 'text'") && field.err().contains("no object"), field.err());
    assertNothingAt(output);
  }

  @Test
  void badOptionsAndModelsExitTwoBeforeSparkStarts() throws Exception {
    stop();
    Path data = tmp.resolve("few.txt");
    Files.write(data, valid.subList(0, 3));
    Path output = tmp.resolve("never");
    String[][] cases = {
        {"--data", tmp.resolve("absent.txt").toString(), "absent.txt"},
        {"--data", data.toString(), "--keep-below", "100", "--kept is required|--kept: required"},
        {"--data", data.toString(), "--format", "text", "--text-column", "body", "--text-column = 'body': applies to JSON and Parquet"},
        {"--data", data.toString(), "--text-column", "body", "cannot tell the format of file:" + data},
        {"--data", data.toString(), "--unit", "page", "--unit = 'page'"},
        {"--data", data.toString(), "--keep-below", "0", "--kept", tmp.resolve("k").toString(), "--keep-below = 0.0"},
        {"--data", data.toString(), "--set", "score.batchSize=0", "score.batchSize = 0"}};
    for (String[] c : cases) {
      List<String> args = new ArrayList<>(List.of("score", "--model", model, "--output", output.toString()));
      args.addAll(List.of(c).subList(0, c.length - 1));
      CliRun run = awdlm(args.toArray(String[]::new));
      assertEquals(2, run.code(), String.join(" ", c) + ": " + run.err());
      boolean named = false;
      for (String expected : c[c.length - 1].split("\\|")) named |= run.err().contains(expected);
      assertTrue(named, c[c.length - 1] + " in " + run.err());
      assertTrue(SparkSession.getDefaultSession().isEmpty(), "a Spark context was started for " + String.join(" ", c));
      assertNothingAt(output);
    }

    Path other = Files.createDirectories(tmp.resolve("other-vocab"));
    Path saved = Path.of(java.net.URI.create(model)).resolve("model");
    for (String f : new String[] {"model.zip", "model.json"}) Files.copy(saved.resolve(f), other.resolve(f));
    List<String> vocab = Files.readAllLines(saved.resolve("vocab.tsv"));
    List<String> words = vocab.stream().map(l -> l.split("\t")[1]).filter(w -> !w.startsWith("<")).toList();
    List<String> dropped = words.subList(words.size() - 3, words.size());
    List<String> fewer = new ArrayList<>(); // well-formed, three ordinary words short of the model's output
    for (String line : vocab) {
      String[] f = line.split("\t");
      if (!dropped.contains(f[1])) fewer.add(fewer.size() + "\t" + f[1] + "\t" + f[2]);
    }
    Files.write(other.resolve("vocab.tsv"), fewer);
    CliRun mismatch = awdlm("score", "--model", other.toString(), "--data", data.toString(), "--output", output.toString());
    assertEquals(2, mismatch.code(), mismatch.err());
    assertTrue(mismatch.err().contains(other.resolve("vocab.tsv").toString()) && mismatch.err().contains("does not belong to this model"),
        mismatch.err());
    assertTrue(SparkSession.getDefaultSession().isEmpty());
    assertNothingAt(output);
  }
}
