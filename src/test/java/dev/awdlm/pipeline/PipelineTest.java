package dev.awdlm.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.report.RunReport;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** prepare → train → evaluate → report on the tiny corpus in local[2] Spark, with real DL4J training. */
@ExtendWith(SparkExtension.class)
class PipelineTest {

  @Test
  void producesAReportWithOurPerplexity(JavaSparkContext sc, @TempDir Path tmp) throws Exception {
    Path corpus = TestFiles.corpus("tiny", tmp.resolve("corpus"));
    Path confFile = TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf"));
    AwdlmConfig config = ConfigLoader.load(confFile.toFile(), List.of(
        "data.train=" + corpus.resolve("train.txt").toUri(),
        "data.valid=" + corpus.resolve("valid.txt").toUri(),
        "data.test=" + corpus.resolve("test.txt").toUri(),
        "output.dir=" + tmp.resolve("runs").toUri()));
    RunLayout layout = RunLayout.of(new org.apache.hadoop.fs.Path(config.output().dir()), "t1");

    RunReport report = Pipeline.run(config, layout, sc);

    Configuration conf = sc.hadoopConfiguration();
    PrepareStats prepared = PrepareJob.readStats(layout, conf);
    // Perplexity is over every predicted token of the split, not DL4J's per-minibatch score.
    assertEquals(prepared.splits().get("valid").predictedTokens(), report.validTokens());
    assertEquals(prepared.splits().get("test").predictedTokens(), report.testTokens());
    assertTrue(report.validPpl() > 1 && report.validPpl() < prepared.vocabSize(), "valid ppl " + report.validPpl());
    assertTrue(report.testPpl() > 1 && report.testPpl() < prepared.vocabSize(), "test ppl " + report.testPpl());
    assertEquals(2, report.workers());
    assertEquals(1, report.epochs().size());

    Path json = tmp.resolve("runs/t1/report/report.json");
    assertTrue(Files.exists(json));
    RunReport reread = Json.read(new org.apache.hadoop.fs.Path(json.toUri()), RunReport.class, conf);
    assertEquals(report.validPpl(), reread.validPpl());
    String text = Files.readString(json);
    assertTrue(text.contains("\"valid_ppl\"") && text.contains("\"vocab_size\""), text);
  }
}
