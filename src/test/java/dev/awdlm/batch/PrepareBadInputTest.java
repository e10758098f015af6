package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Input that prepare must refuse by name (or, for compressed files, judge by its text), leaving nothing behind. */
@ExtendWith(SparkExtension.class)
class PrepareBadInputTest {
  @TempDir Path tmp;

  private Path tiny(String split) {
    return TestFiles.copyResource("corpus/tiny/" + split + ".txt", tmp.resolve("in/tiny/" + split + ".txt"));
  }

  private PrepareStats prepare(JavaSparkContext sc, Path train, Path valid) {
    AwdlmConfig config = PrepareFixtures.config(List.of("data.train=" + train.toUri(), "data.valid=" + valid.toUri(),
        "data.test=" + tiny("test").toUri(), "output.dir=" + tmp.resolve("out").toUri()));
    return PrepareJob.run(config, sc, RunLayout.of(config.output(), "r"));
  }

  private Path gzip(String name, byte[] content) throws Exception {
    Path gz = Files.createDirectories(tmp.resolve("in/gz")).resolve(name);
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      out.write(content);
    }
    return gz;
  }

  private Path truncatedGzip() throws Exception {
    Path gz = gzip("train.txt.gz", Files.readAllBytes(tiny("train")));
    byte[] whole = Files.readAllBytes(gz);
    Files.write(gz, Arrays.copyOf(whole, whole.length / 2));
    return gz;
  }

  private void assertNothingWritten() throws Exception {
    Path out = tmp.resolve("out");
    if (!Files.exists(out)) return;
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "a failed prepare leaves nothing in " + out);
    }
  }

  @Test
  void aTruncatedGzipIsAConfigErrorNamingTheFile(JavaSparkContext sc) throws Exception {
    Path gz = truncatedGzip();
    ConfigError e = assertThrows(ConfigError.class, () -> prepare(sc, gz, tiny("valid")));
    assertEquals("data.train", e.key());
    assertTrue(e.getMessage().contains(gz.toString()) && e.getMessage().contains("truncated"), e.getMessage());
  }

  @Test
  void aFailedSparkJobLeavesNoStagingDirectory(JavaSparkContext sc) throws Exception {
    // Read after vocab.tsv and the train batches are staged; it fails inside a Spark task, so the
    // driver sees a (checked) SparkException.
    Path gz = truncatedGzip();
    assertThrows(Exception.class, () -> prepare(sc, tiny("train"), gz));
    assertNothingWritten();
  }

  @Test
  void theInvalidShareOfACompressedFileIsOfItsText(JavaSparkContext sc) throws Exception {
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    text.write(Files.readAllBytes(tiny("train")));
    int invalid = 300; // 0.7% of the text, but about 2% of the compressed file
    for (int i = 0; i < invalid; i++) text.write(new byte[] {(byte) 0xFF, '\n'});
    Path gz = gzip("dirty.txt.gz", text.toByteArray());
    assertTrue(invalid > 0.01 * Files.size(gz) && invalid < 0.01 * text.size(), "the case this test is about");
    PrepareStats stats = prepare(sc, gz, tiny("valid"));
    assertEquals(invalid, stats.splits().get("train").invalidBytes());
  }

  @Test
  void aSplitWithoutWordsNamesTheSplitAndItsFiles(JavaSparkContext sc) throws Exception {
    Path blank = Files.createDirectories(tmp.resolve("in/blank")).resolve("valid.txt");
    Files.write(blank, " \t \n\n   \n".repeat(100).getBytes(StandardCharsets.UTF_8)); // 300 lines, each only <eos>
    ConfigError e = assertThrows(ConfigError.class, () -> prepare(sc, tiny("train"), blank));
    assertEquals("data.valid", e.key());
    assertTrue(e.getMessage().contains(blank.toString()) && e.getMessage().contains("valid split has no words"), e.getMessage());
    assertNothingWritten();
  }
}
