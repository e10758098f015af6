package dev.awdlm.eval;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validation and test perplexity of a trained run's model, computed on the executors. */
public final class RunEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvaluation.class);

  public record Result(DistributedEvaluator.Result valid, DistributedEvaluator.Result test) {}

  private RunEvaluation() {}

  public static Result run(AwdlmConfig config, RunLayout layout, PrepareStats prepared, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    MultiLayerNetwork net = SavedModel.loadNetwork("--run-id", layout.model(), conf);
    DistributedEvaluator.Result valid = split(net, "valid", config, layout, prepared, sc);
    DistributedEvaluator.Result test = split(net, "test", config, layout, prepared, sc);
    return new Result(valid, test);
  }

  private static DistributedEvaluator.Result split(MultiLayerNetwork net, String split, AwdlmConfig config, RunLayout layout,
      PrepareStats prepared, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    sc.setJobDescription("evaluate " + split);
    DistributedEvaluator.Result r = DistributedEvaluator.evaluate(sc, net,
        HadoopFs.listFiles(layout.batches(split), StreamExporter.SUFFIX, conf), prepared.splits().get(split).streams(),
        config.train().bptt(), sc.defaultParallelism());
    sc.setJobDescription(null);
    LOG.info(String.format("evaluate: %s perplexity %.2f over %d tokens (%d chunks on %d tasks, %.0f tokens/s)", split,
        r.total().perplexity(), r.total().tokens(), r.chunks(), r.tasks(), r.tokensPerSecond()));
    return r;
  }
}
