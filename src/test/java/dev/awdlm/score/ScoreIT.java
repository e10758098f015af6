package dev.awdlm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.spark.SparkSessions;
import dev.awdlm.testing.LocalCluster;
import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.SparkExtension;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code score} as a user runs it on a cluster: {@code jobs/submit} with the shaded app jar on a
 * multi-JVM {@code local-cluster[2,1,…]} over HDFS, so the model's broadcast, the tokenizer and the
 * transformer reach executors only through the app jar, and Spark ML comes from the cluster.
 */
@ExtendWith(MiniDfsExtension.class)
class ScoreIT {

  @Test
  void scoresTextInHdfsOnTwoExecutorJvms(Hdfs hdfs) throws Exception {
    SparkSession training = SparkSession.builder().config(SparkExtension.testConf("local[2]")).getOrCreate();
    Path run = TinyModel.run(SparkSessions.context(training));
    Path valid = TinyModel.corpus(SparkSessions.context(training)).resolve("valid.txt");
    training.stop();
    FileSystem fs = hdfs.fs();
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(run.resolve("model").toUri()), new org.apache.hadoop.fs.Path("/models/tiny"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(valid.toUri()), new org.apache.hadoop.fs.Path("/text/valid.txt"));

    List<String> cmd = LocalCluster.submit(hdfs.uri(), "score", "--model", "/models/tiny", "--data", "/text",
        "--output", "/scores", "--keep-below", "10000", "--kept", "/kept", "--set", "score.partitions=4");
    Processes.Result r = Processes.run(cmd, LocalCluster.submitEnv(), 600);

    assertEquals(0, r.exitCode(), r.describe());
    int lines = Files.readAllLines(valid).size();
    assertTrue(r.output().contains("scored " + lines + " records (0 empty, 0 truncated)"), r.describe());
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/scores/_SUCCESS")) && fs.exists(new org.apache.hadoop.fs.Path("/scores/_summary.json")));
    int parts = 0;
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path("/scores"))) if (s.getPath().getName().endsWith(".parquet")) parts++;
    assertTrue(parts >= 2, parts + " part files: the records were scored in several tasks");
    long kept = 0;
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path("/kept"))) {
      if (!s.getPath().getName().startsWith("part-")) continue;
      try (BufferedReader in = new BufferedReader(new InputStreamReader(fs.open(s.getPath()), StandardCharsets.UTF_8))) {
        kept += in.lines().count();
      }
    }
    assertEquals(lines, kept, "every line is below a perplexity of 10,000");
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path("/"))) {
      assertFalse(s.getPath().getName().startsWith("."), "leftover " + s.getPath());
    }
  }
}
