package dev.awdlm.eval;

import dev.awdlm.io.SerializableHadoopConf;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * Perplexity on Spark executors. An eval split's DataSet files hold {@code rows} parallel streams,
 * each a contiguous chunk of the text; the chunks are divided into groups, and each task evaluates
 * its group statefully across all the files. Chunks are independent (each starts from a zero
 * state), so the sum over tasks equals a single-process evaluation of the same files.
 */
public final class DistributedEvaluator {
  /**
   * @param total summed NLL and predicted tokens
   * @param chunks contiguous chunks of the text, each evaluated from a zero state
   * @param tasks Spark tasks the chunks were spread over
   */
  public record Result(Perplexity total, int chunks, int tasks, double seconds) {
    public double tokensPerSecond() {
      return total.tokens() / seconds;
    }
  }

  private DistributedEvaluator() {}

  /**
   * @param files the split's DataSet files, in stream order
   * @param rows streams (chunks) in each file
   * @param window time steps per forward call
   * @param maxTasks upper bound on tasks (Spark's default parallelism is a good one)
   */
  public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, List<Path> files, int rows, int window, int maxTasks) {
    long start = System.nanoTime();
    int tasks = Math.max(1, Math.min(rows, maxTasks));
    List<int[]> groups = new ArrayList<>(tasks);
    for (int k = 0; k < tasks; k++) groups.add(new int[] {k * rows / tasks, (k + 1) * rows / tasks});
    List<String> paths = files.stream().map(Path::toString).toList();
    Broadcast<byte[]> model = sc.broadcast(bytes(net));
    Broadcast<SerializableHadoopConf> conf = sc.broadcast(new SerializableHadoopConf(sc.hadoopConfiguration()));
    try {
      Perplexity total = sc.parallelize(groups, tasks)
          .map(g -> new PerplexityEvaluator(window).evaluate(restore(model.value()), paths.stream().map(Path::new).toList(),
              conf.value().get(), g[0], g[1]))
          .reduce(Perplexity::plus);
      return new Result(total, rows, tasks, (System.nanoTime() - start) / 1e9);
    } finally {
      model.destroy();
      conf.destroy();
    }
  }

  /** Parameters and configuration only: evaluation needs no updater state. */
  static byte[] bytes(MultiLayerNetwork net) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ModelSerializer.writeModel(net, out, false);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the model for broadcast", e);
    }
  }

  static MultiLayerNetwork restore(byte[] bytes) throws IOException {
    return ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(bytes), false);
  }
}
