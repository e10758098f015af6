package dev.awdlm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.EvalConfig;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.RunReport;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.score.TinyModel;
import dev.awdlm.testing.SparkExtension;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * awd-lstm-lm's test protocol on the executors: the test split as one stream (eval.testBatchSize
 * 1), cut into chunks for several tasks, each warmed up on the tokens before it; and the cache
 * pointer on top. Compared with one pass over the stream in this process.
 */
@ExtendWith(SparkExtension.class)
class EvalProtocolTest {
  static final int BPTT = 10; // tiny.conf
  private JavaSparkContext sc;
  private MultiLayerNetwork net;
  private List<Path> test;
  private Path run;
  private Configuration conf;

  @BeforeEach
  void model(JavaSparkContext sc) {
    this.sc = sc;
    conf = sc.hadoopConfiguration();
    run = new Path(TinyModel.run(sc).toUri());
    net = SavedModel.loadNetwork("model", new Path(run, "model/model.zip"), conf);
    test = HadoopFs.listFiles(new Path(run, "batches/test"), StreamExporter.SUFFIX, conf);
  }

  private static double gap(Perplexity p, Perplexity reference) {
    assertEquals(reference.tokens(), p.tokens(), "every token of the stream is scored once");
    return Math.abs(p.perplexity() / reference.perplexity() - 1);
  }

  @Test
  void theTestSplitIsOneStreamCutForTheTasksAndWithinHalfAPercentOfOnePass() {
    assertEquals(1, StreamExporter.read(test.get(0), conf).getFeatures().size(0), "eval.testBatchSize = 1");
    Perplexity onePass = new PerplexityEvaluator(BPTT).evaluate(net, test, conf);
    DistributedEvaluator.Result warm = DistributedEvaluator.evaluate(sc, net, test, 1, BPTT, 4, 2 * BPTT, null);
    DistributedEvaluator.Result cold = DistributedEvaluator.evaluate(sc, net, test, 1, BPTT, 4, 0, null);
    assertEquals(4, warm.chunks(), "one stream, four tasks");
    assertEquals(2 * BPTT, warm.warmup());
    double warmGap = gap(warm.total(), onePass);
    double coldGap = gap(cold.total(), onePass);
    assertTrue(warmGap <= 0.005, "warmed-up chunks: " + warmGap);
    assertTrue(warmGap < coldGap, "the warm-up is what closes the gap: warm " + warmGap + ", cold " + coldGap);
  }

  @Test
  void thePointerOffIsThePlainPerplexityAndOnIsCloseToOnePassWhenItsMemoryIsWarmedUp() {
    PerplexityEvaluator.PointerGrid grid = new PerplexityEvaluator.PointerGrid(30, new double[] {0.5}, new double[] {0, 0.2});
    DistributedEvaluator.Result chunked = DistributedEvaluator.evaluate(sc, net, test, 1, BPTT, 3, 30, grid);
    assertEquals(chunked.total().totalNll(), chunked.pointer().at(0, 0).totalNll(), 1e-9 * chunked.total().totalNll(),
        "lambda 0 scores every token as the model alone");
    PerplexityEvaluator.Scored onePass = new PerplexityEvaluator(BPTT).evaluate(net, test, conf,
        new PerplexityEvaluator.Chunk(0, 1, 0, test.size(), 0), grid);
    double pointerGap = gap(chunked.pointer().at(0, 1), onePass.pointer().at(0, 1));
    assertTrue(pointerGap <= 0.005, "the pointer's memory of a chunk is the window before it: " + pointerGap);
    assertTrue(onePass.pointer().at(0, 1).perplexity() != onePass.plain().perplexity(), "lambda 0.2 mixes in the cache");
  }

  @Test
  void streamsAreGroupedWhenThereAreEnoughAndCutWhenThereAreFew() {
    assertEquals(List.of(new PerplexityEvaluator.Chunk(0, 5, 0, 30, 0), new PerplexityEvaluator.Chunk(5, 10, 0, 30, 0)),
        DistributedEvaluator.plan(10, 30, 2, 20));
    assertEquals(List.of(new PerplexityEvaluator.Chunk(0, 1, 0, 7, 0), new PerplexityEvaluator.Chunk(0, 1, 7, 15, 20),
        new PerplexityEvaluator.Chunk(0, 1, 15, 22, 20), new PerplexityEvaluator.Chunk(0, 1, 22, 30, 20)),
        DistributedEvaluator.plan(1, 30, 4, 20));
    assertEquals(6, DistributedEvaluator.plan(2, 30, 5, 20).size(), "3 chunks of each of 2 streams");
    assertEquals(3, DistributedEvaluator.plan(1, 3, 8, 20).size(), "never more chunks of a stream than files");
    assertEquals(1, DistributedEvaluator.plan(1, 1, 8, 20).size());
  }

  @Test
  void tuningChoosesThetaAndLambdaOnTheValidationSplitAndTheReportSaysSo() {
    AwdlmConfig c = SavedModel.load("--model", run.toString(), conf).config();
    List<Double> thetas = List.of(0.1, 1.0);
    List<Double> lambdas = List.of(0.05, 0.3);
    AwdlmConfig tuning = new AwdlmConfig(c.data(), c.model(), c.train(), c.output(), c.retrain(), c.score(),
        new EvalConfig(1, 0, new EvalConfig.Pointer(false, 30, 1.0, 0.1, thetas, lambdas)), c.finetune(), c.json(), c.hash());
    RunReport report = Pipeline.evaluateAndReport(tuning, RunLayout.of(c.output(), "tiny"), sc, RunEvaluation.Pointer.TUNED);

    // The same grid over the validation split in this process: the report's pair is its best.
    List<Path> valid = HadoopFs.listFiles(new Path(run, "batches/valid"), StreamExporter.SUFFIX, conf);
    CachePointer.Grid local = new PerplexityEvaluator(BPTT).evaluate(net, valid, conf,
        new PerplexityEvaluator.Chunk(0, Integer.MAX_VALUE, 0, valid.size(), 0),
        new PerplexityEvaluator.PointerGrid(30, new double[] {0.1, 1.0}, new double[] {0.05, 0.3})).pointer();
    int[] best = local.best();
    RunReport.Pointer p = report.pointer();
    assertTrue(p.tuned());
    assertEquals(30, p.window());
    assertEquals(local.theta(best[0]), p.theta());
    assertEquals(local.lambda(best[1]), p.lambda());
    // float32 sums of 2-stream and 4-stream batches agree to about 1e-8
    assertEquals(local.at(best[0], best[1]).perplexity(), p.validPpl(), 1e-6 * p.validPpl());
    assertTrue(HadoopFs.readUtf8(new Path(run, "report/report.json"), conf).contains("\"pointer\" : {"), "report.json has it");
    assertEquals(p, Json.read(new Path(run, "report/report.json"), RunReport.class, conf).pointer());
  }
}
