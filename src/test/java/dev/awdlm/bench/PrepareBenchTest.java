package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.bench.PrepareBench.Measurement;
import dev.awdlm.config.ConfigError;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options' checks and the summary's arithmetic, on hand-picked measurements (the run itself: BenchCommandTest). */
class PrepareBenchTest {
  private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

  private static String badOption(Path corpus, int generatedMb, List<Integer> cores, int repeats) {
    return assertThrows(ConfigError.class, () -> new PrepareBench.Options(corpus, generatedMb, null, cores, repeats, "word")).key();
  }

  @Test
  void badOptionsAreNamed(@TempDir Path tmp) throws Exception {
    Path corpus = Files.writeString(tmp.resolve("c.txt"), "a b\n");
    assertEquals("--corpus", badOption(tmp.resolve("missing.txt"), 0, List.of(1), 1));
    assertEquals("--corpus", badOption(tmp, 0, List.of(1), 1));
    assertEquals("--generated-mb", badOption(corpus, -1, List.of(1), 1));
    assertEquals("--cores", badOption(corpus, 0, List.of(), 1));
    assertEquals("--cores", badOption(corpus, 0, List.of(1, 0), 1));
    assertEquals("--repeats", badOption(corpus, 0, List.of(1), 0));
    assertEquals(List.of(1, 2), new PrepareBench.Options(null, 0, null, List.of(1, 2), 1, "word").cores());
  }

  private static final PrepareBench.Load QUIET_MACHINE = new PrepareBench.Load(0.5, 0.0);

  private static Measurement mb(String corpus, int cores, long bytes, double seconds) {
    return mb(corpus, cores, bytes, seconds, QUIET_MACHINE);
  }

  private static Measurement mb(String corpus, int cores, long bytes, double seconds, PrepareBench.Load load) {
    return new Measurement(corpus, cores, bytes, bytes / 5, seconds, load);
  }

  @Test
  void summaryJudgesTheTargetsOnTheWholePrepareOfTheLargestCorpusFromTheFirstToTheLastMaster() {
    PrepareBench.Options options = new PrepareBench.Options(null, 0, null, List.of(1, 4), 3, "char");
    // per master: corpus prepare, corpus tokenize, generated prepare, generated tokenize.
    // corpus: prepare 5 MB/s on 1 core, 10 on 4; tokenize 10 and 40.
    // generated: prepare 12 MB/s on 1 core, 18 on 4; tokenize 30 and 100.
    List<List<Measurement>> byCores = List.of(
        List.of(mb("corpus", 1, 1_000_000, 0.2), mb("corpus", 1, 1_000_000, 0.1), mb("generated", 1, 120_000_000, 10),
            mb("generated", 1, 120_000_000, 4)),
        List.of(mb("corpus", 4, 1_000_000, 0.1), mb("corpus", 4, 1_000_000, 0.025), mb("generated", 4, 120_000_000, 120 / 18.0),
            mb("generated", 4, 120_000_000, 1.2)));
    Map<String, Object> v = PrepareBench.summary(options, List.of("corpus", "generated"), byCores, QUIET).values();
    assertEquals("char", v.get("tokenizer"));
    assertEquals(1.0, v.get("corpus_mb"));
    assertEquals(10.0, v.get("corpus_prepare_mb_per_s_4"));
    assertEquals(2.0, v.get("corpus_prepare_speedup"));
    assertEquals(40.0, v.get("corpus_tokenize_mb_per_s_4"));
    assertEquals(4.0, v.get("corpus_tokenize_speedup"));
    assertEquals(18.0, v.get("generated_prepare_mb_per_s_4"));
    assertEquals(1.5, v.get("speedup"), "the generated corpus's whole prepare decides");
    assertEquals(12.0, v.get("mb_per_s_per_core"));
    assertEquals(30.0, v.get("tokenize_mb_per_s_per_core"));
    assertEquals(100.0 / 30, (Double) v.get("tokenize_speedup"), 1e-3);
    assertEquals(0.5, v.get("generated_prepare_load_1"));
    assertFalse((Boolean) v.get("meets_targets"), "1.5x is below 1.7x");
    assertFalse((Boolean) v.get("loaded"));
  }

  @Test
  void perCoreFigureDividesByTheFirstMastersCoresAndALoadedFigureIsLabelled() {
    PrepareBench.Options options = new PrepareBench.Options(null, 0, null, List.of(2, 4), 1, "word");
    PrepareBench.Load busy = new PrepareBench.Load(3.0, 0.8);
    List<List<Measurement>> byCores = List.of(List.of(mb("corpus", 2, 30_000_000, 1), mb("corpus", 2, 30_000_000, 0.5)),
        List.of(mb("corpus", 4, 30_000_000, 0.5, busy), mb("corpus", 4, 30_000_000, 0.25)));
    Map<String, Object> v = PrepareBench.summary(options, List.of("corpus"), byCores, QUIET).values();
    assertEquals(15.0, v.get("mb_per_s_per_core"));
    assertEquals(2.0, v.get("speedup"));
    assertTrue((Boolean) v.get("meets_targets"));
    assertEquals(0.8, v.get("corpus_prepare_others_cores_4"));
    assertTrue((Boolean) v.get("loaded"), "other processes used 0.8 cores during a headline figure");
    assertTrue(busy.describe().endsWith("(loaded)"), busy.describe());
  }
}
