package dev.awdlm.eval;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.EvalConfig;
import dev.awdlm.config.ModelConfig;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validation and test perplexity of a trained run's model, computed on the executors, and
 * optionally the same with the continuous cache pointer: at the configured theta and lambda, or at
 * those that score best on the validation split (the test split never chooses them).
 */
public final class RunEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvaluation.class);

  /** Whether, and how, the cache pointer is applied. */
  public enum Pointer {
    OFF,
    /** {@code eval.pointer.theta} and {@code eval.pointer.lambda} */
    CONFIGURED,
    /** the best of {@code eval.pointer.thetaGrid} x {@code lambdaGrid} on the validation split */
    TUNED
  }

  /** @param pointer perplexities with the pointer, null when it was off */
  public record Result(DistributedEvaluator.Result valid, DistributedEvaluator.Result test, PointerResult pointer) {}

  /**
   * @param theta and {@code lambda}: the settings the figures are for
   * @param tuned whether they were chosen on the validation split
   */
  public record PointerResult(double validPpl, double testPpl, int window, double theta, double lambda, boolean tuned) {}

  private RunEvaluation() {}

  public static Result run(AwdlmConfig config, RunLayout layout, PrepareStats prepared, JavaSparkContext sc, Pointer pointer) {
    if (pointer != Pointer.OFF) requireAwdLstm(config);
    MultiLayerNetwork net = SavedModel.loadNetwork("--run-id", layout.model(), sc.hadoopConfiguration());
    EvalConfig.Pointer p = config.eval().pointer();
    PerplexityEvaluator.PointerGrid validGrid = switch (pointer) {
      case OFF -> null;
      case CONFIGURED -> grid(p.window(), p.theta(), p.lambda());
      case TUNED -> new PerplexityEvaluator.PointerGrid(p.window(), doubles(p.thetaGrid()), doubles(p.lambdaGrid()));
    };
    DistributedEvaluator.Result valid = split(net, "valid", config, layout, prepared, sc, validGrid);
    if (validGrid == null) return new Result(valid, split(net, "test", config, layout, prepared, sc, null), null);
    int[] best = valid.pointer().best();
    double theta = valid.pointer().theta(best[0]);
    double lambda = valid.pointer().lambda(best[1]);
    DistributedEvaluator.Result test = split(net, "test", config, layout, prepared, sc, grid(p.window(), theta, lambda));
    PointerResult result = new PointerResult(valid.pointer().at(best[0], best[1]).perplexity(),
        test.pointer().at(0, 0).perplexity(), p.window(), theta, lambda, pointer == Pointer.TUNED);
    LOG.info(String.format("evaluate: with the cache pointer (window %d, theta %s, lambda %s%s): valid %.2f, test %.2f"
        + " (without: %.2f, %.2f)", p.window(), theta, lambda, result.tuned() ? ", tuned on valid" : "", result.validPpl(),
        result.testPpl(), valid.total().perplexity(), test.total().perplexity()));
    return new Result(valid, test, result);
  }

  /** The pointer reads the top LSTM layer's states, which only the AWD-LSTM layer hands out. */
  public static void requireAwdLstm(AwdlmConfig config) {
    if (config.model().kind() != ModelConfig.Kind.AWD_LSTM) {
      throw new ConfigError("eval.pointer.enabled", true, "the cache pointer needs model.kind = "
          + ModelConfig.Kind.AWD_LSTM.configValue() + "; this run's model is " + config.model().kind().configValue());
    }
  }

  private static PerplexityEvaluator.PointerGrid grid(int window, double theta, double lambda) {
    return new PerplexityEvaluator.PointerGrid(window, new double[] {theta}, new double[] {lambda});
  }

  private static double[] doubles(java.util.List<Double> values) {
    return values.stream().mapToDouble(Double::doubleValue).toArray();
  }

  private static DistributedEvaluator.Result split(MultiLayerNetwork net, String split, AwdlmConfig config, RunLayout layout,
      PrepareStats prepared, JavaSparkContext sc, PerplexityEvaluator.PointerGrid pointer) {
    Configuration conf = sc.hadoopConfiguration();
    sc.setJobDescription("evaluate " + split + (pointer == null ? "" : " with the cache pointer"));
    int bptt = config.train().bptt();
    DistributedEvaluator.Result r = DistributedEvaluator.evaluate(sc, net,
        HadoopFs.listFiles(layout.batches(split), StreamExporter.SUFFIX, conf), prepared.splits().get(split).streams(), bptt,
        sc.defaultParallelism(), config.eval().warmup(bptt, pointer != null), pointer);
    sc.setJobDescription(null);
    LOG.info(String.format("evaluate: %s perplexity %.2f over %d tokens (%d chunks on %d tasks, warm-up %d, %.0f tokens/s)",
        split, r.total().perplexity(), r.total().tokens(), r.chunks(), r.tasks(), r.warmup(), r.tokensPerSecond()));
    return r;
  }
}
