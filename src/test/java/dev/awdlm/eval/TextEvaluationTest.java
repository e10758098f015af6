package dev.awdlm.eval;

import static dev.awdlm.testing.CliRun.awdlm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.RunReport;
import dev.awdlm.testing.CliRun;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code evaluate --model --data} on a model trained here, in local[2] Spark. */
@ExtendWith(SparkExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TextEvaluationTest {
  @TempDir static Path tmp;
  static Path corpus;
  static RunReport report;
  static AwdlmConfig config;

  @BeforeAll
  static void train(JavaSparkContext sc) {
    corpus = TestFiles.corpus("tiny", tmp.resolve("corpus"));
    config = ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf")).toFile(), List.of(
        "data.train=" + corpus.resolve("train.txt").toUri(), "data.valid=" + corpus.resolve("valid.txt").toUri(),
        "data.test=" + corpus.resolve("test.txt").toUri(), "output.dir=" + tmp.resolve("runs").toUri()));
    report = Pipeline.run(config, RunLayout.of(config.output(), "m"), sc);
  }

  private static String run() {
    return tmp.resolve("runs/m").toUri().toString();
  }

  private static TextEvaluation.Result evaluate(JavaSparkContext sc, String model, int chunks, long singleMax) {
    Configuration conf = sc.hadoopConfiguration();
    return TextEvaluation.run(SavedModel.load("--model", model, conf), model, List.of(corpus.resolve("valid.txt").toUri().toString()),
        chunks, singleMax, new org.apache.hadoop.fs.Path(tmp.resolve("scratch").toUri()), sc);
  }

  @Test
  void theValidationTextGivesTheRunsOwnValidationFigure(JavaSparkContext sc) {
    // Same text, the model's own tokenizer and vocabulary, chunks = the eval streams: the same NLL.
    TextEvaluation.Result r = evaluate(sc, run(), config.train().evalBatchSize(), 0);
    assertEquals(report.valid().tokens(), r.predictedTokens());
    assertEquals(report.valid().totalNll(), r.totalNll(), 1e-6 * r.totalNll());
    assertEquals(report.data().splits().get("valid").tokens(), r.tokens());
    assertEquals(2, r.tasks());
    assertNull(r.singleChunkPpl(), "no single-chunk run when the limit is 0");
  }

  @Test
  void moreChunksMeanMoreColdStartsAndTheSingleChunkRunShowsIt(JavaSparkContext sc) throws Exception {
    TextEvaluation.Result r = evaluate(sc, tmp.resolve("runs/m/model/model.zip").toUri().toString(), 8, 1_000_000);
    assertEquals(8, r.chunks());
    long perChunk = r.tokens() / 8;
    assertEquals(8 * (perChunk - 1), r.predictedTokens(), "each chunk predicts all but its first token");
    assertNotNull(r.singleChunkPpl());
    assertEquals(r.tokens() - 1, r.singleChunkTokens(), "one chunk predicts every token but the first");
    assertEquals(r.perplexity() / r.singleChunkPpl() - 1, r.boundaryCost(), 1e-12);
    assertTrue(Double.isFinite(r.singleChunkPpl()) && r.singleChunkPpl() > 1);
    try (var s = Files.list(tmp.resolve("scratch"))) {
      assertEquals(0, s.count(), "the staged encoding is removed");
    }
  }

  @Test
  @Order(Integer.MAX_VALUE - 1) // were the check missing, the command would close the shared Spark session
  void anOutThatIsADirectoryIsRefusedBeforeSpark() throws Exception {
    Path folder = Files.createDirectories(tmp.resolve("eval-folder"));
    CliRun c = awdlm("evaluate", "--model", run(), "--data", corpus.resolve("test.txt").toString(),
        "--output", tmp.resolve("runs").toUri().toString(), "--out", folder.toString());
    assertEquals(2, c.code(), c.err());
    assertTrue(c.err().contains("--out = '" + folder + "'") && c.err().contains("is a directory"), c.err());
    try (var s = Files.list(folder)) {
      assertEquals(0, s.count(), "nothing written into " + folder);
    }
  }

  @Test
  @Order(Integer.MAX_VALUE) // the command closes the Spark session it shares with the other tests
  void theCommandPrintsTheResultAndWritesItAtomically() throws Exception {
    Path out = tmp.resolve("eval/result.json");
    CliRun c = awdlm("evaluate", "--model", run(), "--data", corpus.resolve("test.txt").toString(), "--chunks", "4",
        "--output", tmp.resolve("runs").toUri().toString(), "--out", out.toUri().toString());
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().contains("in 4 chunks on 2 tasks") && c.out().contains("as a single chunk"), c.out());
    String[] lines = c.out().trim().split("\n");
    assertEquals(lines[lines.length - 1] + "\n", Files.readString(out), "the last stdout line is the JSON written to --out");
    assertTrue(Files.readString(out).contains("\"single_chunk_ppl\""));
  }

  @Test
  void badModelsAreClearErrorsThatNameTheFile() throws Exception {
    String data = corpus.resolve("valid.txt").toString();
    CliRun missing = awdlm("evaluate", "--model", tmp.resolve("nope").toString(), "--data", data);
    assertEquals(2, missing.code());
    assertTrue(missing.err().contains("nope") && missing.err().contains("holds no saved model"), missing.err());

    Path corrupt = copyModel("corrupt");
    byte[] zip = Files.readAllBytes(corrupt.resolve("model.zip"));
    Files.write(corrupt.resolve("model.zip"), java.util.Arrays.copyOf(zip, zip.length / 2));
    CliRun truncated = awdlm("evaluate", "--model", corrupt.toString(), "--data", data);
    assertEquals(2, truncated.code());
    assertTrue(truncated.err().contains(corrupt.resolve("model.zip").toString()) && truncated.err().contains("not a readable model"),
        truncated.err());

    Path other = copyModel("other-vocab");
    List<String> vocab = Files.readAllLines(other.resolve("vocab.tsv"));
    List<String> fewer = new java.util.ArrayList<>(); // a well-formed vocabulary, five ordinary words smaller
    int dropped = 0;
    for (String line : vocab) {
      String[] f = line.split("\t");
      if (dropped < 5 && !f[1].startsWith("<")) {
        dropped++;
        continue;
      }
      fewer.add(fewer.size() + "\t" + f[1] + "\t" + f[2]);
    }
    Files.write(other.resolve("vocab.tsv"), fewer);
    CliRun mismatch = awdlm("evaluate", "--model", other.toString(), "--data", data);
    assertEquals(2, mismatch.code());
    assertTrue(mismatch.err().contains("vocab.tsv") && mismatch.err().contains("does not belong to this model"), mismatch.err());

    CliRun noData = awdlm("evaluate", "--model", run());
    assertEquals(2, noData.code());
    assertTrue(noData.err().contains("--model and --data go together"), noData.err());
    CliRun missingData = awdlm("evaluate", "--model", run(), "--data", tmp.resolve("absent.txt").toString());
    assertEquals(2, missingData.code());
    assertTrue(missingData.err().contains("absent.txt"), missingData.err());
    assertFalse(Files.exists(tmp.resolve("eval-should-not-exist")));
  }

  @Test
  void aZipOtherThanModelZipIsRefusedNotSwappedForItsNeighbour(JavaSparkContext sc) throws Exception {
    Path dir = copyModel("junk-beside");
    Path junk = Files.write(dir.resolve("junk.zip"), new byte[] {'P', 'K', 3, 4});
    ConfigError e = assertThrows(ConfigError.class, () -> SavedModel.load("--model", junk.toString(), sc.hadoopConfiguration()));
    assertEquals("--model", e.key());
    assertTrue(e.getMessage().contains(junk.toString()) && e.getMessage().contains("model.zip"), e.getMessage());
  }

  private static Path copyModel(String name) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve(name));
    for (String f : new String[] {"model.zip", "vocab.tsv", "model.json"}) {
      Files.copy(tmp.resolve("runs/m/model").resolve(f), dir.resolve(f));
    }
    return dir;
  }
}
