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
    RunLayout layout = RunLayout.of(config.output(), "t1");

    RunReport report = Pipeline.run(config, layout, sc);

    Configuration conf = sc.hadoopConfiguration();
    PrepareStats prepared = PrepareJob.readStats(layout, conf);
    // Perplexity is over every predicted token of the split, not DL4J's per-minibatch score.
    assertEquals(prepared.splits().get("valid").predictedTokens(), report.valid().tokens());
    assertEquals(prepared.splits().get("test").predictedTokens(), report.test().tokens());
    // Spread over executors, the chunks sum to what one process computes on the same files.
    var model = dev.awdlm.eval.SavedModel.load("--model", tmp.resolve("runs/t1").toUri().toString(), conf);
    var local = new dev.awdlm.eval.PerplexityEvaluator(config.train().bptt()).evaluate(model.net(),
        dev.awdlm.io.HadoopFs.listFiles(layout.batches("valid"), ".bin", conf), conf);
    assertEquals(local.totalNll(), report.valid().totalNll(), 1e-6 * local.totalNll());
    assertEquals(prepared.splits().get("valid").streams(), report.valid().chunks());
    assertEquals(2, report.valid().tasks());
    assertTrue(report.validPpl() > 1 && report.validPpl() < prepared.vocabSize(), "valid ppl " + report.validPpl());
    assertTrue(report.testPpl() > 1 && report.testPpl() < prepared.vocabSize(), "test ppl " + report.testPpl());
    assertEquals(2, report.workers());
    assertEquals(2, report.plannedWorkers());
    assertEquals(1, report.epochs().size());
    assertEquals(1, report.bestEpoch(), "the saved, evaluated model is the best epoch's");
    var rounds = report.epochs().get(0).rounds();
    assertTrue(rounds.size() > 1, "one epoch is several averaging rounds: " + rounds.size());
    assertEquals(report.epochs().get(0).tokens(), rounds.stream().mapToLong(dev.awdlm.train.RoundMetrics::tokens).sum());

    Path json = tmp.resolve("runs/t1/report/report.json");
    assertTrue(Files.exists(json));
    RunReport reread = Json.read(new org.apache.hadoop.fs.Path(json.toUri()), RunReport.class, conf);
    assertEquals(report.validPpl(), reread.validPpl());
    String text = Files.readString(json);
    assertTrue(text.contains("\"valid_ppl\"") && text.contains("\"vocab_size\"") && text.contains("\"git_commit\"")
        && text.contains("\"train_nll\"") && text.contains("\"rounds\"") && text.contains("\"best_epoch\" : 1"), text);
    assertEquals(rounds, reread.epochs().get(0).rounds());
    assertEquals(RunReport.SCHEMA, reread.schema());

    Path reportDir = tmp.resolve("runs/t1/report");
    List<String> csv = Files.readAllLines(reportDir.resolve("epochs.csv"));
    assertEquals("epoch,lr,train_nll,train_ppl,val_ppl,seconds,tokens_per_s,asgd,rollbacks,tokens,workers", csv.get(0));
    assertEquals(1 + report.epochs().size(), csv.size());
    assertEquals(report.epochs().get(0).valPpl(), Double.parseDouble(csv.get(1).split(",")[4]));
    String html = Files.readString(reportDir.resolve("report.html"));
    assertEquals(3, html.split("src=\"data:image/png;base64,", -1).length - 1, "three embedded charts");
    assertTrue(Files.exists(reportDir.resolve("_SUCCESS")));
    try (var names = Files.list(reportDir)) {
      assertEquals(List.of("_SUCCESS", "epochs.csv", "report.html", "report.json"),
          names.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary file left");
    }
    assertEquals("t1", Files.readString(tmp.resolve("runs/latest")).trim());
    var index = Json.read(new org.apache.hadoop.fs.Path(tmp.resolve("runs/index.json").toUri()),
        dev.awdlm.report.ReportWriter.Index.class, conf);
    assertEquals(1, index.runs().size());
    assertEquals(report.testPpl(), index.runs().get(0).testPpl());
    assertEquals(model.vocab().size(), prepared.vocabSize());
    assertEquals("t1", model.runId());
  }
}
