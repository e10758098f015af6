package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.testing.LocalCluster;
import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.TestFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Training survives what clusters do to it, on a multi-JVM local-cluster with HDFS: a lost
 * executor JVM mid-epoch, and a lost driver followed by {@code train --resume}.
 */
@ExtendWith(MiniDfsExtension.class)
class TrainFaultsIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  private static Path config;

  @BeforeAll
  static void corpus(Hdfs hdfs) throws Exception {
    Path corpus = TestFiles.corpus("tiny", tmp.resolve("tiny"));
    hdfs.fs().copyFromLocalFile(new org.apache.hadoop.fs.Path(corpus.toUri()), new org.apache.hadoop.fs.Path("/corpus/tiny"));
    config = TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf"));
  }

  private static JsonNode read(FileSystem fs, String path) throws Exception {
    try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
      return JSON.readTree(in);
    }
  }

  private static void await(java.util.function.BooleanSupplier condition, Process p, Path log, String what) throws Exception {
    long deadline = System.nanoTime() + 300_000_000_000L;
    while (!condition.getAsBoolean()) {
      if (!p.isAlive()) throw new AssertionError("exited before " + what + ":\n" + Files.readString(log));
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what + ":\n" + Files.readString(log));
      Thread.sleep(200);
    }
  }

  @Test
  void aKilledDriverResumesFromItsLastCheckpoint(Hdfs hdfs) throws Exception {
    FileSystem fs = hdfs.fs();
    String[] common = {"--config", config.toString(), "--set", "train.epochs=2"};
    // The pipeline prepares and then trains in one driver (one cluster start fewer than prepare, then train).
    Path log = tmp.resolve("driver.log");
    Process driver = Processes.start(LocalCluster.submit(hdfs.uri(), concat(new String[] {"pipeline", "--run-id", "d"}, common)),
        LocalCluster.submitEnv(), log);
    await(() -> exists(fs, "/runs/d/checkpoints/epoch-0001/state.json"), driver, log, "the first checkpoint");
    Processes.kill(driver.toHandle());
    assertFalse(exists(fs, "/runs/d/model/model.zip"), "killed before it finished");
    JsonNode epoch1 = read(fs, "/runs/d/checkpoints/epoch-0001/state.json").get("epochs").get(0);

    Processes.Result resumed = Processes.run(LocalCluster.submit(hdfs.uri(), concat(new String[] {"train", "--resume", "d"}, common)),
        LocalCluster.submitEnv(), 600);
    assertEquals(0, resumed.exitCode(), resumed.describe());
    assertTrue(resumed.output().contains("resuming from"), resumed.describe());
    JsonNode trained = read(fs, "/runs/d/train.json");
    assertEquals(2, trained.get("epochs").size(), trained.toString());
    assertEquals(epoch1, trained.get("epochs").get(0), "epoch 1 is kept, not retrained");
    assertTrue(exists(fs, "/runs/d/model/model.zip"));
  }

  @Test
  void aLostExecutorDoesNotStopTraining(Hdfs hdfs) throws Exception {
    FileSystem fs = hdfs.fs();
    Path log = tmp.resolve("executor.log");
    Process driver = Processes.start(LocalCluster.submit(hdfs.uri(), "pipeline", "--config", config.toString(),
        "--run-id", "e", "--set", "train.epochs=2"), LocalCluster.submitEnv(), log);
    await(() -> contains(log, "epoch 1/2 round 2/"), driver, log, "training to start");
    List<ProcessHandle> executors = driver.toHandle().descendants()
        .filter(h -> h.info().commandLine().orElse("").contains("CoarseGrainedExecutorBackend")).toList();
    assertEquals(2, executors.size(), "two executor JVMs");
    Processes.kill(executors.get(0));

    assertTrue(driver.waitFor(600, java.util.concurrent.TimeUnit.SECONDS), "finished");
    String output = Files.readString(log);
    assertEquals(0, driver.exitValue(), output);
    assertTrue(output.contains("Lost executor"), "Spark saw the executor die:\n" + output);
    JsonNode report = read(fs, "/runs/e/report/report.json");
    assertEquals(2, report.get("epochs").size(), report.toString());
    for (JsonNode epoch : report.get("epochs")) assertTrue(Double.isFinite(epoch.get("val_ppl").asDouble()), report.toString());
  }

  private static boolean exists(FileSystem fs, String path) {
    try {
      return fs.exists(new org.apache.hadoop.fs.Path(path));
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static boolean contains(Path log, String text) {
    try {
      return Files.exists(log) && Files.readString(log).contains(text);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
