package dev.awdlm.pipeline;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.eval.DistributedEvaluator;
import dev.awdlm.eval.Perplexity;
import dev.awdlm.eval.RunEvaluation;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.report.BuildInfo;
import dev.awdlm.report.ReportWriter;
import dev.awdlm.report.RunReport;
import dev.awdlm.train.TrainResult;
import dev.awdlm.train.Trainer;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;

/** prepare → train → evaluate → report for one run. */
public final class Pipeline {
  private Pipeline() {}

  public static RunReport run(AwdlmConfig config, RunLayout layout, JavaSparkContext sc) {
    return run(config, layout, sc,
        config.eval().pointer().enabled() ? RunEvaluation.Pointer.CONFIGURED : RunEvaluation.Pointer.OFF);
  }

  public static RunReport run(AwdlmConfig config, RunLayout layout, JavaSparkContext sc, RunEvaluation.Pointer pointer) {
    PrepareStats prepared = PrepareJob.run(config, sc, layout);
    Trainer.train(config, sc, layout, prepared);
    return evaluateAndReport(config, layout, sc, pointer);
  }

  /**
   * Evaluates a trained run on its valid and test splits and writes its report set; with the
   * cache pointer too when {@code eval.pointer.enabled}.
   */
  public static RunReport evaluateAndReport(AwdlmConfig config, RunLayout layout, JavaSparkContext sc) {
    return evaluateAndReport(config, layout, sc,
        config.eval().pointer().enabled() ? RunEvaluation.Pointer.CONFIGURED : RunEvaluation.Pointer.OFF);
  }

  public static RunReport evaluateAndReport(AwdlmConfig config, RunLayout layout, JavaSparkContext sc,
      RunEvaluation.Pointer pointer) {
    Configuration conf = sc.hadoopConfiguration();
    PrepareStats prepared = PrepareJob.readStats(layout, conf);
    TrainResult trained = Trainer.readResult(layout, conf);
    long start = System.nanoTime();
    RunEvaluation.Result eval = RunEvaluation.run(config, layout, prepared, sc, pointer);
    double evalSeconds = (System.nanoTime() - start) / 1e9;

    Map<String, Double> wall = new LinkedHashMap<>();
    wall.put("prepare", prepared.stageSeconds().values().stream().mapToDouble(Double::doubleValue).sum());
    wall.put("train", trained.seconds());
    wall.put("evaluate", evalSeconds);
    RunReport report = new RunReport(RunReport.SCHEMA, layout.runId(), BuildInfo.gitCommit(), Instant.now().toString(),
        Json.tree(config.json()), prepared, trained.parameters(), trained.workers(), trained.plannedWorkers(), executors(sc),
        sc.defaultParallelism(),
        trained.epochs(), trained.asgdTriggerEpoch(), trained.rollbacks(), eval.valid().total().perplexity(),
        eval.test().total().perplexity(), evaluation(eval.valid()), evaluation(eval.test()), wall, pointer(eval.pointer()),
        trained.bestEpoch(), trained.unobserved());
    ReportWriter.write(layout, report, conf);
    return report;
  }

  static RunReport.Evaluation evaluation(DistributedEvaluator.Result r) {
    Perplexity p = r.total();
    return new RunReport.Evaluation(p.perplexity(), p.totalNll(), p.tokens(), r.chunks(), r.tasks(), r.warmup(),
        r.tokensPerSecond());
  }

  private static RunReport.Pointer pointer(RunEvaluation.PointerResult p) {
    return p == null ? null : new RunReport.Pointer(p.validPpl(), p.testPpl(), p.window(), p.theta(), p.lambda(), p.tuned());
  }

  /** Executor JVMs; the block-manager list includes the driver's, which in local mode is the only one. */
  static int executors(JavaSparkContext sc) {
    return Math.max(1, sc.sc().getExecutorMemoryStatus().size() - 1);
  }
}
