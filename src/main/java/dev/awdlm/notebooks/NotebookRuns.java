package dev.awdlm.notebooks;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.eval.RunEvaluation;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.report.Charts;
import dev.awdlm.report.RunReport;
import dev.awdlm.train.EpochMetrics;
import dev.awdlm.train.Trainer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The notebooks' runs, through the real pipeline. A run whose report set finished is reused and an
 * unfinished one resumes, so an interrupted notebook continues where it stopped ({@code notebooks
 * --continue STAMP}).
 */
final class NotebookRuns {
  private static final Logger LOG = LoggerFactory.getLogger(NotebookRuns.class);

  private NotebookRuns() {}

  /**
   * The report of a run (or finetune) whose report set is complete, or null. A finished run with
   * another config (a continued generation with another budget or other overrides) is refused
   * rather than reused, since its figures would not be the ones the notebook states. A key added
   * after the run was trained counts as its default in reference.conf, as when a saved model is
   * loaded: a new key's default is the behaviour that came before it.
   */
  static RunReport finished(AwdlmConfig config, RunLayout layout, Configuration conf) {
    if (!HadoopFs.exists(layout.reportSuccess(), conf)) return null;
    RunReport done = Json.read(layout.report(), RunReport.class, conf);
    AwdlmConfig trained = ConfigLoader.fromJson(done.config().toString(), layout.report().toString());
    if (!Json.tree(trained.json()).equals(Json.tree(config.json()))) {
      throw new ConfigError("--continue", layout.runId(), "was trained with another config than this generation's (other "
          + "budget options or --set overrides); continue with the options it was started with, or start afresh");
    }
    return done;
  }

  /**
   * prepare, train, evaluate and report. An earlier attempt that was stopped resumes: from its
   * last checkpoint once prepare had finished, else from the start.
   */
  static RunReport pipeline(AwdlmConfig config, RunLayout layout, RunEvaluation.Pointer pointer, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    RunReport done = finished(config, layout, conf);
    if (done != null) {
      LOG.info("notebooks: reusing the finished run {}", layout.runDir());
      return done;
    }
    if (!HadoopFs.exists(layout.prepareStats(), conf)) {
      HadoopFs.deleteRecursively(layout.runDir(), conf);
      LOG.info("notebooks: run {}", layout.runDir());
      return Pipeline.run(config, layout, sc, pointer);
    }
    if (!HadoopFs.exists(layout.model(), conf)) {
      LOG.info("notebooks: resume the run {}", layout.runDir());
      Trainer.train(config, sc, layout, PrepareJob.readStats(layout, conf), new Trainer.Start(true, false));
    }
    return Pipeline.evaluateAndReport(config, layout, sc, pointer);
  }

  /** The finetune of a finished run and its report; an interrupted finetune resumes from its checkpoints. */
  static RunReport finetune(AwdlmConfig config, RunLayout run, RunEvaluation.Pointer pointer, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    RunLayout finetune = run.finetune();
    RunReport done = finished(config, finetune, conf);
    if (done != null) {
      LOG.info("notebooks: reusing the finished finetune of {}", run.runDir());
      return done;
    }
    if (!HadoopFs.exists(finetune.model(), conf)) {
      boolean resume = HadoopFs.exists(finetune.checkpoints(), conf);
      LOG.info("notebooks: {} the finetune of {}", resume ? "resume" : "start", run.runDir());
      Trainer.finetune(config, sc, run, PrepareJob.readStats(run, conf), resume, false);
    }
    return Pipeline.evaluateAndReport(config, finetune, sc, pointer);
  }

  /** The training seeds of a notebook's {@code n} seeds: 1111 (awd-lstm-lm's default), 2222, ... */
  static long[] seeds(int n) {
    return LongStream.rangeClosed(1, n).map(i -> 1111 * i).toArray();
  }

  static double[] valCurve(List<EpochMetrics> epochs) {
    return epochs.stream().mapToDouble(EpochMetrics::valPpl).toArray();
  }

  /** One validation curve per entry, epoch 1 first, as a PNG; XChart refuses points that are not finite, so they are left out. */
  static byte[] curves(String title, Map<String, double[]> curves) {
    return Charts.png(curveChart(title, curves));
  }

  /** The chart {@link #curves} renders, on {@link Charts#perplexityAxis}. */
  static XYChart curveChart(String title, Map<String, double[]> curves) {
    XYChart chart = Charts.chart(title, "validation perplexity");
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    curves.forEach((name, val) -> {
      int[] finite = IntStream.range(0, val.length).filter(e -> Double.isFinite(val[e])).toArray();
      if (finite.length > 0) {
        chart.addSeries(name, Arrays.stream(finite).mapToDouble(e -> e + 1).toArray(),
            Arrays.stream(finite).mapToDouble(e -> val[e]).toArray());
      }
    });
    Charts.perplexityAxis(chart, "validation perplexity");
    return chart;
  }
}
