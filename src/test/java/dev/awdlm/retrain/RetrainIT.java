package dev.awdlm.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.testing.CliRun;
import dev.awdlm.testing.LocalCluster;
import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scheduled retraining against a registry on a MiniDFSCluster, with real training on the tiny
 * corpus: champion, promotion, rejection, idempotence, the lease, a crash, a damaged champion or history.
 * The tests run in order on one registry, as successive scheduled runs would.
 */
@ExtendWith({SparkExtension.class, MiniDfsExtension.class})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RetrainIT {
  private static final String REGISTRY = "/registry";
  /** Retrains started together in {@code ofRetrainsStartedAtOnce...}: separate JVMs, as cron or Airflow would start them. */
  private static final int RACERS = 3;
  @TempDir static Path tmp;
  static Path config;

  @BeforeAll
  static void snapshots(Hdfs hdfs) throws Exception {
    Path corpus = TestFiles.corpus("tiny", tmp.resolve("tiny"));
    List<String> train = Files.readAllLines(corpus.resolve("train.txt"));
    FileSystem fs = hdfs.fs();
    // Snapshot 1 holds the first third of the training text; snapshot 2 all of it.
    writeSnapshot(fs, "/snap1", corpus, train.subList(0, train.size() / 3));
    writeSnapshot(fs, "/snap2", corpus, train);
    config = TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf"));
  }

  private static void writeSnapshot(FileSystem fs, String dir, Path corpus, List<String> train) throws Exception {
    Path local = Files.createDirectories(tmp.resolve(dir.substring(1)));
    Files.write(local.resolve("train.txt"), train);
    Files.copy(corpus.resolve("valid.txt"), local.resolve("valid.txt"));
    Files.copy(corpus.resolve("test.txt"), local.resolve("test.txt"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.toUri()), new org.apache.hadoop.fs.Path(dir));
  }

  private static List<String> settings(String... extra) {
    List<String> s = new ArrayList<>(List.of("train.epochs=1", "retrain.epochs=2", "retrain.minImprovement=0.01"));
    s.addAll(List.of(extra));
    return s;
  }

  private static Retrain.Outcome retrain(Hdfs hdfs, JavaSparkContext sc, String runId, String snapshot, String... extra) {
    return Retrain.run(config.toFile(), settings(extra), new Retrain.Request(hdfs.path(REGISTRY), hdfs.path(snapshot), runId, false, false),
        sc.hadoopConfiguration(), () -> sc, "test-" + runId);
  }

  private static Registry registry(Hdfs hdfs) {
    return new Registry(new org.apache.hadoop.fs.Path(hdfs.path(REGISTRY)), hdfs.conf());
  }

  private static List<String> cliArgs(Hdfs hdfs, String runId, String snapshot, String... extra) {
    List<String> args = new ArrayList<>(List.of("retrain", "--config", config.toString(), "--registry", hdfs.path(REGISTRY),
        "--data", hdfs.path(snapshot), "--run-id", runId));
    for (String s : settings(extra)) args.addAll(List.of("--set", s));
    return args;
  }

  private static CliRun cli(Hdfs hdfs, String runId, String snapshot) {
    return CliRun.awdlm(cliArgs(hdfs, runId, snapshot).toArray(String[]::new));
  }

  @Test
  @Order(1)
  void theFirstRunTrainsFromScratchAndBecomesTheChampion(Hdfs hdfs, JavaSparkContext sc) {
    Decision d = retrain(hdfs, sc, "r1", "/snap1").decision();
    assertEquals("first", d.decision());
    assertNull(d.championValPpl());
    assertEquals("rebuilt", d.vocabulary());
    Registry reg = registry(hdfs);
    assertEquals("r1", reg.championId().orElseThrow());
    assertEquals(List.of("r1"), reg.history().stream().map(Decision::runId).toList());
    assertTrue(HadoopFs.exists(new org.apache.hadoop.fs.Path(hdfs.path("/registry/runs/r1/report/_SUCCESS")), hdfs.conf()),
        "every run keeps its full report");
    assertNotNull(Lease.newestHolder(reg.layout().lease(), hdfs.conf()).releasedAt(), "the lease is released");
  }

  @Test
  @Order(2)
  void moreDataWarmStartedFromTheChampionIsPromoted(Hdfs hdfs, JavaSparkContext sc) {
    Decision d = retrain(hdfs, sc, "r2", "/snap2").decision();
    assertEquals("champion", d.vocabulary(), "encoded with the champion's vocabulary");
    assertTrue(d.oovRate() > 0, "words of the new snapshot outside the champion's vocabulary: " + d.oovRate());
    assertEquals("promoted", d.decision(), d.toString());
    assertTrue(d.improvement() >= 0.01 && d.challengerValPpl() < d.championValPpl(), d.toString());
    assertEquals("r1", d.championBefore());
    assertEquals("r2", registry(hdfs).championId().orElseThrow());
  }

  @Test
  @Order(3)
  void aSabotagedChallengerIsNotPromotedAndTheChampionStays(Hdfs hdfs, JavaSparkContext sc) {
    Decision d = retrain(hdfs, sc, "r3", "/snap2", "train.lr=0.8", "train.clip=0").decision();
    assertEquals("rejected", d.decision(), d.toString());
    assertTrue(d.challengerValPpl() > d.championValPpl(), d.toString());
    Registry reg = registry(hdfs);
    assertEquals("r2", reg.championId().orElseThrow(), "the pointer is unchanged");
    assertEquals(List.of("first", "promoted", "rejected"), reg.history().stream().map(Decision::decision).toList());
  }

  @Test
  @Order(4)
  void rerunningAFinishedRunIdIsANoOp(Hdfs hdfs, JavaSparkContext sc) {
    Retrain.Outcome again = retrain(hdfs, sc, "r3", "/snap2");
    assertTrue(again.alreadyFinished());
    assertEquals("rejected", again.decision().decision());
    assertEquals(3, registry(hdfs).history().size(), "no second line");
  }

  @Test
  @Order(5)
  void ofRetrainsStartedAtOnceExactlyOneTrainsAndTheOthersExit3(Hdfs hdfs) throws Exception {
    Registry reg = registry(hdfs);
    int linesBefore = reg.history().size();
    List<Process> retrains = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    for (int i = 0; i < RACERS; i++) {
      List<String> cmd = new ArrayList<>(List.of("jobs/awdlm"));
      cmd.addAll(cliArgs(hdfs, "race-" + i, "/snap2", "retrain.epochs=1")); // the race is for the lease, not the model
      logs.add(tmp.resolve("race-" + i + ".log"));
      retrains.add(Processes.start(cmd, Map.of("AWDLM_NO_BUILD", "1", "AWDLM_HEAP", "1g"), logs.get(i)));
    }
    List<String> winners = new ArrayList<>();
    StringBuilder outputs = new StringBuilder();
    for (int i = 0; i < RACERS; i++) {
      Process p = retrains.get(i);
      if (!p.waitFor(600, TimeUnit.SECONDS)) Processes.kill(p.toHandle());
      String log = Files.readString(logs.get(i));
      outputs.append("\n--- race-").append(i).append(": exit ").append(p.exitValue()).append('\n').append(log);
      if (p.exitValue() == 0) winners.add("race-" + i);
      else assertTrue(p.exitValue() == 3 && log.contains("registry is locked by"), "race-" + i + " neither trained nor was locked out:" + outputs);
    }
    assertEquals(1, winners.size(), "retrains that trained: " + winners + outputs);
    List<Decision> history = reg.history();
    assertEquals(winners, history.subList(linesBefore, history.size()).stream().map(Decision::runId).toList());
    for (int i = 0; i < RACERS; i++) {
      if (!winners.contains("race-" + i)) {
        assertFalse(HadoopFs.exists(reg.layout().run("race-" + i).runDir(), hdfs.conf()), "the locked-out race-" + i + " wrote nothing");
      }
    }
    assertNotNull(Lease.newestHolder(reg.layout().lease(), hdfs.conf()).releasedAt(), "the winner released the lease");
  }

  @Test
  @Order(6)
  void aStaleLeaseIsTakenOver(Hdfs hdfs, JavaSparkContext sc) {
    Registry reg = registry(hdfs);
    LeaseTest.plantStale(reg.layout().lease(), "crashed-host:4242:dead", hdfs.conf());
    Retrain.Outcome took = retrain(hdfs, sc, "r6", "/snap2"); // in-process: the CLI would stop the shared Spark session
    assertFalse(took.alreadyFinished());
    assertEquals("r6", reg.history().get(reg.history().size() - 1).runId());
    assertNotNull(Lease.newestHolder(reg.layout().lease(), hdfs.conf()).releasedAt(), "the lease is released");
  }

  @Test
  @Order(7)
  void aDamagedChampionIsAClearErrorAndTheRegistryIsLeftAlone(Hdfs hdfs) throws Exception {
    Registry reg = registry(hdfs);
    Configuration conf = hdfs.conf();
    String champion = reg.championId().orElseThrow();
    org.apache.hadoop.fs.Path zip = new org.apache.hadoop.fs.Path(reg.layout().run(champion).modelDir(), "model.zip");
    byte[] original;
    try (var in = hdfs.fs().open(zip)) {
      original = in.readAllBytes();
    }
    String history = HadoopFs.readUtf8(reg.layout().historyFile(), conf);
    HadoopFs.writeAtomically(zip, conf, out -> out.write(original, 0, original.length / 2));
    try {
      CliRun r = cli(hdfs, "r7", "/snap2");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains(zip.toUri().getPath()) && r.err().contains("not a readable model"), r.err());
      assertEquals(history, HadoopFs.readUtf8(reg.layout().historyFile(), conf));
      assertEquals(champion, reg.championId().orElseThrow());
      assertFalse(HadoopFs.exists(reg.layout().run("r7").runDir(), conf), "no run started");
      assertNotNull(Lease.newestHolder(reg.layout().lease(), conf).releasedAt(), "the lease is released");
    } finally {
      HadoopFs.writeAtomically(zip, conf, out -> out.write(original));
    }
  }

  @Test
  @Order(8)
  void aTruncatedHistoryLineIsAClearErrorBeforeTrainingAndTheRegistryIsLeftAlone(Hdfs hdfs) {
    Registry reg = registry(hdfs);
    Configuration conf = hdfs.conf();
    String history = HadoopFs.readUtf8(reg.layout().historyFile(), conf);
    String champion = reg.championId().orElseThrow();
    String[] lines = history.split("\n");
    String damaged = history.substring(0, history.length() - lines[lines.length - 1].length() / 2 - 1);
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, damaged);
    try {
      CliRun r = cli(hdfs, "r7h", "/snap2");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().contains(reg.layout().historyFile().toUri().getPath()) && r.err().contains("line " + lines.length), r.err());
      assertEquals(damaged, HadoopFs.readUtf8(reg.layout().historyFile(), conf));
      assertEquals(champion, reg.championId().orElseThrow());
      assertFalse(HadoopFs.exists(reg.layout().run("r7h").runDir(), conf), "no run started");
    } finally {
      HadoopFs.writeAtomically(reg.layout().historyFile(), conf, history);
    }
  }

  @Test
  @Order(9)
  void aRetrainKilledMidTrainingLeavesAConsistentRegistryAndARerunCompletesIt(Hdfs hdfs, JavaSparkContext sc) throws Exception {
    Registry reg = registry(hdfs);
    Configuration conf = hdfs.conf();
    List<String> args = new ArrayList<>(List.of("retrain", "--config", config.toString(), "--registry", REGISTRY,
        "--data", "/snap2", "--run-id", "r8"));
    for (String s : settings("retrain.epochs=3", "retrain.leaseTtlSeconds=3")) args.addAll(List.of("--set", s));
    Path log = tmp.resolve("retrain-r8.log");
    Process driver = Processes.start(LocalCluster.submit(hdfs.uri(), args.toArray(String[]::new)), LocalCluster.submitEnv(), log);
    org.apache.hadoop.fs.Path checkpoint = new org.apache.hadoop.fs.Path(reg.layout().run("r8").checkpoints(), "epoch-0001/state.json");
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!HadoopFs.exists(checkpoint, conf)) {
      assertTrue(driver.isAlive(), "exited before the first checkpoint:\n" + Files.readString(log));
      assertTrue(System.nanoTime() < deadline, "timed out:\n" + Files.readString(log));
      Thread.sleep(200);
    }
    Processes.kill(driver.toHandle());
    String championBefore = reg.championId().orElseThrow();
    assertTrue(reg.history().stream().noneMatch(d -> d.runId().equals("r8")), "no history line for an unfinished run");
    assertEquals(championBefore, reg.championId().orElseThrow());

    Thread.sleep(3500); // the killed driver's lease expires
    Retrain.Outcome rerun = Retrain.run(config.toFile(), settings("retrain.epochs=3", "retrain.leaseTtlSeconds=3"),
        new Retrain.Request(hdfs.path(REGISTRY), hdfs.path("/snap2"), "r8", false, false), conf, () -> sc, "test-r8-rerun");
    assertFalse(rerun.alreadyFinished());
    assertEquals(1, reg.history().stream().filter(d -> d.runId().equals("r8")).count(), "exactly one line for r8");
    String champion = reg.championId().orElseThrow();
    SavedModel model = SavedModel.load("--registry", reg.layout().run(champion).modelDir().toString(), conf);
    assertTrue(model.net().numParams() > 0, "the pointer is on a complete, loadable model");
    String train = HadoopFs.readUtf8(reg.layout().run("r8").trainMetrics(), conf);
    assertTrue(train.contains("\"epoch\" : 3"), "the planned epochs were completed: " + train);
  }
}
