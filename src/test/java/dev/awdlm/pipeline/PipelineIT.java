package dev.awdlm.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.testing.LocalCluster;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.TestFiles;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole product as a user runs it on a cluster: {@code jobs/submit} launches spark-submit with
 * the shaded application jar on a multi-JVM {@code local-cluster[2,1,…]} whose default filesystem
 * is a real HDFS. The corpus is read from HDFS and the report must land there. It runs once per
 * {@code train.sync}: parameter averaging, and gradient sharing (Aeron between the two executor
 * JVMs and the driver; docs/gradient-sharing.md).
 */
@ExtendWith(MiniDfsExtension.class)
class PipelineIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParameterizedTest
  @ValueSource(strings = {"averaging", "sharing"})
  void pipelineOnLocalClusterWritesItsReportToHdfs(String sync, Hdfs hdfs, @TempDir Path tmp) throws Exception {
    FileSystem fs = hdfs.fs();
    if (!fs.exists(new org.apache.hadoop.fs.Path("/corpus/tiny"))) {
      Path corpus = TestFiles.corpus("tiny", tmp.resolve("tiny"));
      fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(corpus.toUri()), new org.apache.hadoop.fs.Path("/corpus/tiny"));
    }
    Path config = TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf"));
    String id = "it-" + sync;

    List<String> cmd = LocalCluster.submit(hdfs.uri(), "pipeline", "--config", config.toString(), "--run-id", id,
        "--set", "train.epochs=2", "--set", "train.sync=" + sync);
    Processes.Result run = Processes.run(cmd, LocalCluster.submitEnv(), 900);

    assertEquals(0, run.exitCode(), run.describe());
    assertTrue(run.output().matches("(?s).*run " + id + ": valid perplexity [0-9.]+, test perplexity [0-9.]+, peak RSS [0-9,]+ MB -> .*"),
        run.describe());
    org.apache.hadoop.fs.Path report = new org.apache.hadoop.fs.Path("/runs/" + id + "/report/report.json");
    assertTrue(fs.exists(report), "no report in HDFS; " + run.describe());
    JsonNode json;
    try (InputStream in = fs.open(report)) {
      json = JSON.readTree(in);
    }
    assertEquals(id, json.get("run_id").asText());
    assertEquals(2, json.get("workers").asInt(), "both executors trained: " + json);
    assertEquals(2, json.get("executors").asInt(), "two executor JVMs: " + json);
    int vocab = json.get("data").get("vocab_size").asInt();
    for (String key : new String[] {"valid_ppl", "test_ppl"}) {
      double ppl = json.get(key).asDouble();
      assertTrue(Double.isFinite(ppl) && ppl > 1 && ppl < vocab, key + " = " + ppl + " (vocabulary " + vocab + ")");
    }
    assertTrue(json.get("valid").get("tokens").asLong() > 1000, json.toString());
    assertEquals(2, json.get("valid").get("tasks").asInt(), "evaluated on both executors: " + json);
    for (String f : new String[] {"report.html", "epochs.csv", "_SUCCESS"}) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/" + id + "/report/" + f)), f + " in HDFS");
    }
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/index.json")) && fs.exists(new org.apache.hadoop.fs.Path("/runs/latest")));
    // Two epochs on two executor JVMs: validation improves, and every epoch was checkpointed in HDFS.
    JsonNode epochs = json.get("epochs");
    assertEquals(2, epochs.size(), json.toString());
    assertTrue(epochs.get(1).get("val_ppl").asDouble() < epochs.get(0).get("val_ppl").asDouble(), epochs.toString());
    long trainTokens = json.get("data").get("splits").get("train").get("predicted_tokens").asLong();
    for (JsonNode e : epochs) {
      assertEquals(trainTokens, e.get("tokens").asLong(), "every train token trained once, as observed: " + e);
      if (sync.equals("averaging")) {
        assertTrue(e.get("train_nll").asDouble() > 0, e.toString());
      } else {
        assertTrue(e.get("train_nll").isNull(), "not observed under sharing: " + e);
        assertEquals(2, e.get("workers").asInt(), "both executors' trainers took DataSets: " + e);
      }
    }
    assertEquals(sync.equals("sharing"), json.get("unobserved").has("train_nll"), "why a figure is missing: " + json.get("unobserved"));
    for (String c : new String[] {"epoch-0001", "epoch-0002", "best"}) {
      assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/" + id + "/checkpoints/" + c + "/model.zip")), c + " in HDFS");
    }
    // Everything lives under the run directory in HDFS; no staging directory is left behind.
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path("/runs"))) {
      assertFalse(s.getPath().getName().startsWith("."), "leftover " + s.getPath());
    }
    assertFalse(Files.exists(TestFiles.projectDir().resolve("runs/" + id)), "the run must not be written locally");
  }
}
