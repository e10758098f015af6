package dev.awdlm.eval;

import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Validation and test perplexity of a trained run's model, with state carried across each split. */
public final class RunEvaluation {
  private static final Logger LOG = LoggerFactory.getLogger(RunEvaluation.class);

  public record Result(Perplexity valid, Perplexity test) {}

  private RunEvaluation() {}

  public static Result run(AwdlmConfig config, RunLayout layout, Configuration conf) {
    MultiLayerNetwork net = loadModel(layout.model(), conf);
    PerplexityEvaluator evaluator = new PerplexityEvaluator(config.train().bptt());
    Perplexity valid = evaluator.evaluate(net, HadoopFs.listFiles(layout.batches("valid"), StreamExporter.SUFFIX, conf), conf);
    LOG.info(String.format("evaluate: valid perplexity %.2f over %d tokens", valid.perplexity(), valid.tokens()));
    Perplexity test = evaluator.evaluate(net, HadoopFs.listFiles(layout.batches("test"), StreamExporter.SUFFIX, conf), conf);
    LOG.info(String.format("evaluate: test perplexity %.2f over %d tokens", test.perplexity(), test.tokens()));
    return new Result(valid, test);
  }

  /** Loads a ModelSerializer zip; a damaged file is named in the error. */
  public static MultiLayerNetwork loadModel(Path model, Configuration conf) {
    try (InputStream in = HadoopFs.fs(model, conf).open(model)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, false);
    } catch (IOException | RuntimeException e) {
      throw new UncheckedIOException(new IOException("cannot load model " + model + ": " + e.getMessage(), e));
    }
  }
}
