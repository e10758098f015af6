package dev.awdlm.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RegistryLayout;
import dev.awdlm.io.Json;
import dev.awdlm.testing.TestFiles;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a retrain does with its registry before and after training, without Spark: a damaged
 * registry file stops it before Spark starts, and a run that stopped while publishing is completed
 * by a rerun. Training itself is in {@link RetrainIT}.
 */
class RetrainTest {
  /**
   * The local filesystem under the scheme {@code faulty:}, where renaming onto one file name can be
   * made to fail, and something can happen when a directory is first listed (the lease, taken).
   */
  public static final class FaultyFileSystem extends RawLocalFileSystem {
    static volatile String failRenameOnto;
    static volatile Runnable onFirstListing;

    @Override
    public URI getUri() {
      return URI.create("faulty:///");
    }

    @Override
    public String getScheme() {
      return "faulty";
    }

    @Override
    public boolean rename(org.apache.hadoop.fs.Path src, org.apache.hadoop.fs.Path dst) throws IOException {
      if (dst.getName().equals(failRenameOnto)) throw new IOException("injected failure renaming onto " + dst);
      return super.rename(src, dst);
    }

    @Override
    public org.apache.hadoop.fs.FileStatus[] listStatus(org.apache.hadoop.fs.Path dir) throws IOException {
      Runnable hook = onFirstListing;
      onFirstListing = null;
      if (hook != null) hook.run();
      return super.listStatus(dir);
    }
  }

  @TempDir Path tmp;
  private Path config;
  private Path snapshot;
  private final Configuration conf = new Configuration();

  @BeforeEach
  void files() {
    config = TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf"));
    snapshot = TestFiles.corpus("tiny", tmp.resolve("snapshot"));
    conf.set("fs.faulty.impl", FaultyFileSystem.class.getName());
    FaultyFileSystem.failRenameOnto = null;
    FaultyFileSystem.onFirstListing = null;
  }

  private static JavaSparkContext noSpark() {
    throw new AssertionError("Spark started: the registry must be checked before");
  }

  private Retrain.Outcome retrain(String registry, String runId) {
    return Retrain.run(config.toFile(), List.of("train.epochs=1"), new Retrain.Request(registry, snapshot.toUri().toString(),
        runId, false, false), conf, RetrainTest::noSpark, "test-" + runId);
  }

  private Registry registry(String uri) {
    return new Registry(new org.apache.hadoop.fs.Path(uri), conf);
  }

  /** r1 is the champion, and r2 decided to replace it but crashed before changing the registry. */
  private Registry decidedButNotRecorded(String uri) {
    Registry reg = registry(uri);
    HadoopFs.writeAtomically(reg.layout().championPointer(), conf, "r1\n");
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, Json.line(RegistryTest.decision("r1", "first", null)) + "\n");
    HadoopFs.writeAtomically(new org.apache.hadoop.fs.Path(reg.layout().run("r2").runDir(), "decision.json"), conf,
        Json.pretty(RegistryTest.decision("r2", "promoted", "r1")));
    return reg;
  }

  private void assertCompleted(Registry reg) {
    assertEquals("r2", reg.championId().orElseThrow());
    assertEquals(List.of("r1", "r2"), reg.history().stream().map(Decision::runId).toList());
    assertTrue(HadoopFs.exists(reg.layout().done("r2"), conf));
  }

  @Test
  void aTruncatedHistoryStopsTheRetrainBeforeSparkStartsAndNothingIsWritten() {
    String uri = tmp.resolve("registry").toUri().toString();
    Registry reg = registry(uri);
    String second = Json.line(RegistryTest.decision("r2", "rejected", "r1"));
    String damaged = Json.line(RegistryTest.decision("r1", "first", null)) + "\n" + second.substring(0, 40);
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, damaged);
    ConfigError e = assertThrows(ConfigError.class, () -> retrain(uri, "r3"));
    assertTrue(e.getMessage().contains(reg.layout().historyFile().toString()) && e.getMessage().contains("line 2"), e.getMessage());
    assertEquals(damaged, HadoopFs.readUtf8(reg.layout().historyFile(), conf));
    assertFalse(HadoopFs.exists(reg.layout().run("r3").runDir(), conf), "no run started");
  }

  @Test
  void aDamagedHistoryFoundWhenCompletingADecidedRunMovesNothingAndARerunCompletesItOnceRepaired() {
    String uri = tmp.resolve("registry").toUri().toString();
    Registry reg = decidedButNotRecorded(uri);
    String history = HadoopFs.readUtf8(reg.layout().historyFile(), conf);
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, history + "{\"run_id\" : \"r0\", \"deci");
    ConfigError e = assertThrows(ConfigError.class, () -> retrain(uri, "r2"));
    assertTrue(e.getMessage().contains(reg.layout().historyFile().toString()) && e.getMessage().contains("line 2"), e.getMessage());
    assertEquals("r1", reg.championId().orElseThrow(), "the pointer did not move");
    assertFalse(HadoopFs.exists(reg.layout().done("r2"), conf));

    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, history); // the operator removes the damaged line
    assertFalse(retrain(uri, "r2").alreadyFinished());
    assertCompleted(reg);
    assertTrue(retrain(uri, "r2").alreadyFinished());
  }

  @Test
  void aDamagedDecisionIsAConfigErrorNamingIt() {
    String uri = tmp.resolve("registry").toUri().toString();
    Registry reg = decidedButNotRecorded(uri);
    org.apache.hadoop.fs.Path decision = new org.apache.hadoop.fs.Path(reg.layout().run("r2").runDir(), "decision.json");
    HadoopFs.writeAtomically(decision, conf, "{\"run_id\" : \"r2\", \"deci");
    ConfigError decided = assertThrows(ConfigError.class, () -> retrain(uri, "r2"));
    assertTrue(decided.getMessage().contains(decision.toString()), decided.getMessage());

    HadoopFs.writeAtomically(reg.layout().done("r2"), conf, "");
    ConfigError finished = assertThrows(ConfigError.class, () -> retrain(uri, "r2"));
    assertTrue(finished.getMessage().contains(decision.toString()), finished.getMessage());
    assertEquals("r1", reg.championId().orElseThrow());
  }

  /** Every step after the decision fails once in turn; the rerun completes the registry, with one line for the run. */
  @ParameterizedTest
  @ValueSource(strings = {"champion", "history.jsonl", RegistryLayout.DONE})
  void aRetrainThatFailsWhilePublishingIsCompletedByARerun(String failingStep) {
    String uri = "faulty:" + tmp.resolve("registry").toAbsolutePath();
    Registry reg = decidedButNotRecorded(uri);
    FaultyFileSystem.failRenameOnto = failingStep;
    RuntimeException e = assertThrows(RuntimeException.class, () -> retrain(uri, "r2"));
    assertTrue(String.valueOf(e.getMessage()).contains(failingStep), String.valueOf(e));
    assertFalse(HadoopFs.exists(reg.layout().done("r2"), conf));

    FaultyFileSystem.failRenameOnto = null;
    assertFalse(retrain(uri, "r2").alreadyFinished());
    assertCompleted(reg);
  }

  @Test
  void aDecidedRunCompletedAfterAnotherWasPromotedDoesNotMoveThePointerBack() {
    // r2 decided to replace r1 and crashed; meanwhile r3 was compared with r1 and promoted.
    String uri = tmp.resolve("registry").toUri().toString();
    Registry reg = decidedButNotRecorded(uri);
    HadoopFs.writeAtomically(reg.layout().championPointer(), conf, "r3\n");
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, Json.line(RegistryTest.decision("r1", "first", null)) + "\n"
        + Json.line(RegistryTest.decision("r3", "promoted", "r1")) + "\n");
    retrain(uri, "r2");
    assertEquals("r3", reg.championId().orElseThrow(), "r2 beat r1, not the champion it would replace");
    Decision r2 = reg.history().get(2);
    assertEquals("r2", r2.runId());
    assertEquals("superseded", r2.decision());
    assertFalse(r2.promoted());
    assertEquals(r2, reg.decided("r2").orElseThrow(), "decision.json says the same");
    assertTrue(HadoopFs.exists(reg.layout().done("r2"), conf));
  }

  @Test
  void aRunIdClaimLeftByAKilledRetrainDoesNotBlockItsRerun() {
    // Only a retrain holding the lease prepares under the registry, so a claim found there belongs
    // to one that was killed: the rerun clears it before it starts Spark.
    String uri = tmp.resolve("registry").toUri().toString();
    Registry reg = registry(uri);
    HadoopFs.writeAtomically(reg.layout().run("r1").claim(), conf, "{\"owner\" : \"killed\"}");
    assertThrows(AssertionError.class, () -> retrain(uri, "r1"), "went on to start Spark");
    assertFalse(HadoopFs.exists(reg.layout().run("r1").claim(), conf));
  }

  /** The run goes on with the configuration it validated when it started, whatever happens to the file meanwhile. */
  @Test
  void theConfigFileIsReadOnceSoAnEditWhileTheLeaseIsTakenDoesNotReachTheRun() {
    String uri = "faulty:" + tmp.resolve("registry").toAbsolutePath();
    FaultyFileSystem.onFirstListing = () -> {
      try {
        java.nio.file.Files.writeString(config, "model { dropout = 2 }\n");
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    AssertionError e = assertThrows(AssertionError.class, () -> retrain(uri, "r1"), "a config error instead of going on to Spark");
    assertTrue(e.getMessage().startsWith("Spark started"), e.getMessage());
    assertTrue(FaultyFileSystem.onFirstListing == null, "the lease listed the registry");
  }

  /**
   * The run's configuration is the given one with the snapshot, the registry's runs and the
   * warm-start epochs as the last overrides, so its hash, which a resume checks, is what loading all
   * of them at once gives; a substitution in the file sees the run's values.
   */
  @Test
  void theRunConfigIsTheGivenOneOnTheSnapshotUnderTheRegistryWithTheWarmStartEpochs() throws IOException {
    java.nio.file.Files.writeString(config, java.nio.file.Files.readString(config) + "\ntrain.nonmono = ${train.epochs}\n");
    List<String> given = List.of("train.epochs=1", "retrain.epochs=3", "data.train=elsewhere.txt");
    Registry reg = registry(tmp.resolve("registry").toUri().toString());
    Retrain.Request req = new Retrain.Request(reg.layout().root().toString(), snapshot.toUri().toString(), "r1", false, false);
    String snap = "file:" + snapshot.toAbsolutePath();
    List<String> run = List.of("data.train=" + snap + "/train.txt", "data.valid=" + snap + "/valid.txt",
        "data.test=" + snap + "/test.txt", "output.dir=" + reg.layout().runs());

    AwdlmConfig warm = Retrain.runConfig(ConfigLoader.parse(config.toFile(), given), reg, req, 3, conf);
    AwdlmConfig all = ConfigLoader.load(config.toFile(), concat(given, run, List.of("train.epochs=3")));
    assertEquals(all.json(), warm.json());
    assertEquals(all.hash(), warm.hash());
    assertEquals(List.of(snap + "/train.txt"), warm.data().train());
    assertEquals(3, warm.train().epochs());
    assertEquals(3, warm.train().nonmono());

    AwdlmConfig cold = Retrain.runConfig(ConfigLoader.parse(config.toFile(), given), reg, req, 0, conf);
    assertEquals(ConfigLoader.load(config.toFile(), concat(given, run)).hash(), cold.hash());
    assertEquals(1, cold.train().epochs());
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    return java.util.Arrays.stream(lists).flatMap(List::stream).toList();
  }
}
