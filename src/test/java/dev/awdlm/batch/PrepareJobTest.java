package dev.awdlm.batch;

import static dev.awdlm.batch.PrepareFixtures.config;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The prepare stage on real Spark (local[2]) and real files, against plain-Java computations. */
@ExtendWith(SparkExtension.class)
class PrepareJobTest {
  @TempDir Path tmp;

  private Path raw(String name) {
    return TestFiles.copyResource("corpus/raw/" + name, tmp.resolve("in/raw/" + name));
  }

  private Path tiny(String split) {
    return TestFiles.copyResource("corpus/tiny/" + split + ".txt", tmp.resolve("in/tiny/" + split + ".txt"));
  }

  private static String uris(List<Path> files) {
    return String.join(",", files.stream().map(p -> p.toUri().toString()).toList());
  }

  private record Prepared(AwdlmConfig config, RunLayout layout, PrepareStats stats) {}

  private Prepared prepare(JavaSparkContext sc, String runId, List<Path> train, Path valid, Path test, String... overrides) {
    List<String> all = new ArrayList<>(List.of("data.train=" + uris(train), "data.valid=" + valid.toUri(),
        "data.test=" + test.toUri(), "output.dir=" + tmp.resolve("out").toUri()));
    all.addAll(List.of(overrides));
    AwdlmConfig config = config(all);
    RunLayout layout = RunLayout.of(config.output(), runId);
    return new Prepared(config, layout, PrepareJob.run(config, sc, layout));
  }

  @ParameterizedTest(name = "{0} tokenizer, vocabSize {1}, minCount {2}")
  @CsvSource({"whitespace, 120, 1", "whitespace, 0, 2", "word, 200, 1", "word, 0, 1", "char, 40, 1"})
  void vocabularyAndCountsMatchPlainJava(String tokenizerName, int vocabSize, int minCount, JavaSparkContext sc) throws Exception {
    List<Path> train = tokenizerName.equals("whitespace") ? List.of(tiny("train")) : List.of(raw("notes.txt"), raw("more.txt"));
    Path valid = tiny("valid");
    Path test = tiny("test");
    Prepared p = prepare(sc, "v", train, valid, test, "data.tokenizer=" + tokenizerName,
        "data.vocabSize=" + vocabSize, "data.minCount=" + minCount, "data.eos=sentence");
    Configuration conf = sc.hadoopConfiguration();
    Tokenizer tokenizer = Tokenizer.of(p.config().data());

    List<String> trainTokens = PrepareFixtures.tokens(train, tokenizer);
    assertEquals(PrepareFixtures.expectedVocabTsv(trainTokens, vocabSize, minCount),
        Files.readString(tmp.resolve("out/v/vocab.tsv")));
    Vocabulary vocab = PrepareFixtures.vocabulary(p.layout(), conf);
    for (var e : new TreeMap<>(java.util.Map.of("train", train, "valid", List.of(valid), "test", List.of(test))).entrySet()) {
      List<String> tokens = PrepareFixtures.tokens(e.getValue(), tokenizer);
      PrepareStats.SplitStats s = p.stats().splits().get(e.getKey());
      assertEquals(tokens.size(), s.tokens(), e.getKey() + " tokens");
      long lines = e.getValue().stream().mapToLong(f -> PrepareFixtures.lines(f).size()).sum();
      assertEquals(lines, s.lines(), e.getKey() + " lines");
      long oov = tokens.stream().filter(t -> !vocab.contains(t) || t.equals(Vocabulary.UNK)).count();
      assertEquals(oov, s.oovTokens(), e.getKey() + " OOV");
      assertEquals((double) oov / tokens.size(), s.oovRate(), 1e-12);
      assertEquals(e.getValue().stream().mapToLong(f -> f.toFile().length()).sum(), s.bytes());
    }
    assertEquals(vocab.size(), p.stats().vocabSize());
  }

  @Test
  void exportedDataSetsHoldTheStreamInOrder(JavaSparkContext sc) {
    List<Path> train = List.of(raw("notes.txt"), raw("more.txt"));
    Prepared p = prepare(sc, "s", train, tiny("valid"), tiny("test"), "data.tokenizer=word", "data.vocabSize=300");
    Configuration conf = sc.hadoopConfiguration();
    Tokenizer tokenizer = Tokenizer.of(p.config().data());
    Vocabulary vocab = PrepareFixtures.vocabulary(p.layout(), conf);
    int length = 4 * 10;

    int[] expectedTrain = PrepareFixtures.encode(PrepareFixtures.tokens(train, tokenizer), vocab);
    StreamLayout trainLayout = StreamLayout.train(expectedTrain.length, 4, length);
    assertTrue(trainLayout.files() >= 5, "several shards: " + trainLayout.files());
    int[] got = PrepareFixtures.reassemble(p.layout(), "train", trainLayout, expectedTrain.length, conf);
    // Shards cover a prefix of the stream: files*rows*length predictions plus the first input.
    int covered = trainLayout.files() * 4 * length + 1;
    for (int i = 0; i < expectedTrain.length; i++) {
      assertEquals(i < covered ? expectedTrain[i] : -1, got[i], "train position " + i);
    }
    assertEquals(covered - 1, p.stats().splits().get("train").predictedTokens());

    int[] expectedValid = PrepareFixtures.encode(PrepareFixtures.tokens(List.of(tiny("valid")), tokenizer), vocab);
    StreamLayout validLayout = StreamLayout.eval(expectedValid.length, 3, length);
    int[] gotValid = PrepareFixtures.reassemble(p.layout(), "valid", validLayout, expectedValid.length, conf);
    long perRow = expectedValid.length / 3;
    for (int i = 0; i < expectedValid.length; i++) {
      assertEquals(i < 3 * perRow ? expectedValid[i] : -1, gotValid[i], "valid position " + i);
    }
    assertEquals(3 * (perRow - 1), p.stats().splits().get("valid").predictedTokens());
  }

  /**
   * Counting the vocabulary tokenizes train once and translates partition-local ids; a given
   * vocabulary (retraining) tokenizes and looks every token up. Both must write the same run.
   */
  @ParameterizedTest(name = "{0} tokenizer")
  @CsvSource({"whitespace", "word", "char"})
  void countedAndGivenVocabularyWriteTheSameRun(String tokenizerName, JavaSparkContext sc) throws Exception {
    List<Path> train = List.of(raw("notes.txt"), raw("more.txt"), invalidBytesFile());
    String[] settings = {"data.tokenizer=" + tokenizerName, "data.vocabSize=" + (tokenizerName.equals("char") ? 30 : 200),
        "data.eos=sentence", "data.partitions=3"};
    Prepared counted = prepare(sc, "counted", train, tiny("valid"), tiny("test"), settings);
    Vocabulary vocab = PrepareFixtures.vocabulary(counted.layout(), sc.hadoopConfiguration());
    assertTrue(counted.stats().splits().get("train").oovTokens() > 0, "some train tokens are out of vocabulary");
    List<String> all = new ArrayList<>(List.of("data.train=" + uris(train), "data.valid=" + tiny("valid").toUri(),
        "data.test=" + tiny("test").toUri(), "output.dir=" + tmp.resolve("out").toUri(), "data.partitions=1"));
    all.addAll(List.of(settings).subList(0, 3));
    AwdlmConfig config = config(all);
    RunLayout layout = RunLayout.of(config.output(), "given");
    PrepareStats given = PrepareJob.run(config, sc, layout, vocab);
    assertEquals(digest(tmp.resolve("out/counted")), digest(tmp.resolve("out/given")));
    assertEquals(counted.stats().splits(), given.splits());
    assertEquals(counted.stats().vocabSize(), given.vocabSize());
    assertEquals(2, given.splits().get("train").invalidBytes());
  }

  /** A train file with one line that holds two bytes that are not UTF-8 (under 1% of its bytes). */
  private Path invalidBytesFile() throws Exception {
    Path f = tmp.resolve("in/bad/zz-bad.txt");
    Files.createDirectories(f.getParent());
    String clean = "A clean line, as most lines are.\n".repeat(12);
    // Read as ISO-8859-1 these two are the bytes C3 28 and FF: C3 starts a sequence that 28 does not continue.
    Files.write(f, (clean + "It has bad bytes \u00c3( here \u00ff.\n" + clean).getBytes(StandardCharsets.ISO_8859_1));
    return f;
  }

  @Test
  void resultDoesNotDependOnPartitioning(JavaSparkContext sc) throws Exception {
    List<Path> train = List.of(raw("notes.txt"), raw("more.txt"));
    List<String> reference = null;
    PrepareStats referenceStats = null;
    for (int partitions : new int[] {1, 3, 8}) {
      List<org.apache.hadoop.fs.Path> files = train.stream().map(f -> new org.apache.hadoop.fs.Path(f.toUri())).toList();
      int actual = new dev.awdlm.corpus.CorpusReader(sc).read("data.train", files, partitions).lines().getNumPartitions();
      assertTrue(actual >= partitions && actual <= partitions + 2, partitions + " requested, " + actual + " read");
      String run = "p" + partitions;
      PrepareStats stats = prepare(sc, run, train, tiny("valid"), tiny("test"), "data.tokenizer=word", "data.vocabSize=250",
          "data.partitions=" + partitions).stats();
      List<String> digest = digest(tmp.resolve("out/" + run));
      if (reference == null) {
        reference = digest;
        referenceStats = stats;
      } else {
        assertEquals(reference, digest, partitions + " partitions");
        assertEquals(referenceStats.splits(), stats.splits(), partitions + " partitions");
      }
    }
  }

  @Test
  void compressedInputGivesTheSameRun(JavaSparkContext sc) throws Exception {
    Path plain = tiny("train");
    Path gz = tmp.resolve("in/gz/train.txt.gz");
    Files.createDirectories(gz.getParent());
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(plain, out);
    }
    prepare(sc, "plain", List.of(plain), tiny("valid"), tiny("test"), "data.partitions=3");
    Path bz2 = tmp.resolve("in/bz2/train.txt.bz2");
    Files.createDirectories(bz2.getParent());
    var codec = new org.apache.hadoop.io.compress.BZip2Codec();
    codec.setConf(new Configuration());
    try (OutputStream out = codec.createOutputStream(Files.newOutputStream(bz2))) {
      Files.copy(plain, out);
    }
    prepare(sc, "gz", List.of(gz), tiny("valid"), tiny("test"), "data.partitions=3");
    prepare(sc, "bz2", List.of(bz2), tiny("valid"), tiny("test"), "data.partitions=3");
    assertEquals(digest(tmp.resolve("out/plain")), digest(tmp.resolve("out/gz")));
    assertEquals(digest(tmp.resolve("out/plain")), digest(tmp.resolve("out/bz2")));
  }

  /** vocab.tsv and every DataSet file, byte for byte (prepare.json differs in timings and paths). */
  private static List<String> digest(Path run) throws Exception {
    List<String> out = new ArrayList<>();
    try (Stream<Path> files = Files.walk(run)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        String name = run.relativize(f).toString();
        if (name.endsWith(".json") || name.endsWith(".crc")) continue;
        out.add(name + " " + java.util.HexFormat.of().formatHex(
            java.security.MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  // --- bad input -------------------------------------------------------------------------------

  private void assertNothingWritten() throws Exception {
    Path out = tmp.resolve("out");
    if (!Files.exists(out)) return;
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of(), s.map(p -> p.getFileName().toString()).toList(), "a failed prepare leaves nothing in " + out);
    }
  }

  @Test
  void missingPathNamesKeyAndPath(JavaSparkContext sc) throws Exception {
    Path missing = tmp.resolve("in/nope.txt");
    ConfigError e = assertThrows(ConfigError.class, () -> prepare(sc, "m", List.of(tiny("train")), missing, tiny("test")));
    assertTrue(e.getMessage().contains("data.valid") && e.getMessage().contains("nope.txt"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void emptyCorpusNamesTheSplit(JavaSparkContext sc) throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("in/empty")).resolve("train.txt");
    Files.writeString(empty, "");
    ConfigError e = assertThrows(ConfigError.class, () -> prepare(sc, "e", List.of(empty), tiny("valid"), tiny("test")));
    assertTrue(e.getMessage().contains("data.train") && e.getMessage().contains("train split is empty"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void splitShorterThanTwoBpttNamesTheSplit(JavaSparkContext sc) throws Exception {
    Path shortTest = Files.createDirectories(tmp.resolve("in/short")).resolve("test.txt");
    Files.writeString(shortTest, "only a few words here\n"); // 6 tokens with <eos>; 2*bptt = 20
    ConfigError e = assertThrows(ConfigError.class, () -> prepare(sc, "t", List.of(tiny("train")), tiny("valid"), shortTest));
    assertTrue(e.getMessage().contains("data.test") && e.getMessage().contains("test split has 6 tokens")
        && e.getMessage().contains("2*bptt = 20"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void binaryFileIsRejectedByName(JavaSparkContext sc) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("in/mixed"));
    Files.copy(tiny("train"), dir.resolve("a.txt"));
    byte[] junk = new byte[20_000];
    new Random(7).nextBytes(junk);
    Files.write(dir.resolve("b.bin"), junk);
    ConfigError e = assertThrows(ConfigError.class, () -> prepare(sc, "b", List.of(dir), tiny("valid"), tiny("test")));
    assertTrue(e.getMessage().contains("b.bin") && e.getMessage().contains("not valid UTF-8"), e.getMessage());
    assertTrue(!e.getMessage().contains("a.txt"), e.getMessage());
    assertNothingWritten();
  }

  @Test
  void aFewInvalidBytesAreReplacedAndCounted(JavaSparkContext sc) throws Exception {
    Path dirty = Files.createDirectories(tmp.resolve("in/dirty")).resolve("train.txt");
    byte[] text = Files.readAllBytes(tiny("train"));
    byte[] bytes = new byte[text.length + 3];
    System.arraycopy(text, 0, bytes, 0, text.length);
    // Latin-1 "café\n" appended: one invalid byte (0xE9), then 0xFF inside a word
    bytes[text.length] = (byte) 0xE9;
    bytes[text.length + 1] = (byte) 0xFF;
    bytes[text.length + 2] = '\n';
    Files.write(dirty, bytes);
    Prepared p = prepare(sc, "d", List.of(dirty), tiny("valid"), tiny("test"));
    PrepareStats.SplitStats train = p.stats().splits().get("train");
    assertEquals(2, train.invalidBytes());
    assertEquals(2, train.files().get(0).invalidBytes());
    assertEquals(0, p.stats().splits().get("valid").invalidBytes());
    String json = Files.readString(tmp.resolve("out/d/prepare.json"), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"invalid_bytes\" : 2"), json);
    assertTrue(Files.readString(tmp.resolve("out/d/vocab.tsv")).contains("\uFFFD\uFFFD"), "the replaced token is counted");
  }

  @Test
  void statisticsAreComplete(JavaSparkContext sc) throws Exception {
    Prepared p = prepare(sc, "j", List.of(tiny("train")), tiny("valid"), tiny("test"));
    String json = Files.readString(tmp.resolve("out/j/prepare.json"));
    for (String key : new String[] {"\"tokenizer\"", "\"files\"", "\"bytes\"", "\"lines\"", "\"tokens\"", "\"oov_rate\"",
        "\"invalid_bytes\"", "\"vocab_size\"", "\"stage_seconds\"", "\"vocabulary\"", "\"predicted_tokens\""}) {
      assertTrue(json.contains(key), key + " in " + json);
    }
    assertEquals(List.of("vocabulary", "train", "valid", "test"), List.copyOf(p.stats().stageSeconds().keySet()));
    assertArrayEquals(new String[] {"j"}, tmp.resolve("out").toFile().list(), "only the finished run directory");
  }
}
