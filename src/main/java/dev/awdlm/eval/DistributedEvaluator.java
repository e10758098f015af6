package dev.awdlm.eval;

import dev.awdlm.io.SerializableHadoopConf;
import dev.awdlm.spark.BroadcastNetwork;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Perplexity on Spark executors. An eval split's DataSet files hold {@code rows} parallel streams,
 * each a contiguous part of the text. With at least as many streams as tasks, each task evaluates a
 * group of streams statefully across all the files, and the sum over tasks equals a single-process
 * evaluation of the same files. With fewer (awd-lstm-lm's test protocol scores one stream), each
 * stream is cut into contiguous chunks of files, and each chunk but the first is warmed up on the
 * tokens before it ({@link PerplexityEvaluator.Chunk}): close to one pass, not equal to it.
 */
public final class DistributedEvaluator {
  /**
   * @param total summed NLL and predicted tokens
   * @param chunks pieces of the split evaluated by separate tasks
   * @param tasks Spark tasks the chunks were spread over
   * @param warmup tokens each chunk that starts inside a stream ran over first
   * @param pointer the same tokens under every setting of the pointer grid; null without one
   */
  public record Result(Perplexity total, int chunks, int tasks, int warmup, double seconds, CachePointer.Grid pointer) {
    public double tokensPerSecond() {
      return total.tokens() / seconds;
    }
  }

  private DistributedEvaluator() {}

  /** Every stream from its start, in groups of streams: no warm-up, no pointer. */
  public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, List<Path> files, int rows, int window, int maxTasks) {
    return evaluate(sc, net, files, rows, window, maxTasks, 0, null);
  }

  /**
   * @param files the split's DataSet files, in stream order
   * @param rows streams in each file
   * @param window time steps per forward call
   * @param maxTasks upper bound on tasks (Spark's default parallelism is a good one)
   * @param warmup tokens a chunk that starts inside a stream runs over first
   * @param pointer the cache pointer's settings to score under, or null
   */
  public static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, List<Path> files, int rows, int window, int maxTasks,
      int warmup, PerplexityEvaluator.PointerGrid pointer) {
    long start = System.nanoTime();
    List<PerplexityEvaluator.Chunk> chunks = plan(rows, files.size(), maxTasks, warmup);
    List<String> paths = files.stream().map(Path::toString).toList();
    Broadcast<BroadcastNetwork> model = sc.broadcast(BroadcastNetwork.of(net));
    Broadcast<SerializableHadoopConf> conf = sc.broadcast(new SerializableHadoopConf(sc.hadoopConfiguration()));
    try {
      PerplexityEvaluator.Scored total = sc.parallelize(chunks, chunks.size())
          .map(c -> new PerplexityEvaluator(window).evaluate(model.value().restore(), paths.stream().map(Path::new).toList(),
              conf.value().get(), c, pointer))
          .reduce(PerplexityEvaluator.Scored::plus);
      int warmed = chunks.stream().mapToInt(PerplexityEvaluator.Chunk::warmup).max().orElse(0);
      // Grouped whole streams are as many contiguous pieces of the text as there are streams.
      int pieces = chunks.stream().allMatch(c -> c.fromFile() == 0 && c.toFile() == files.size()) ? rows : chunks.size();
      return new Result(total.plain(), pieces, chunks.size(), warmed, (System.nanoTime() - start) / 1e9, total.pointer());
    } finally {
      model.destroy();
      conf.destroy();
    }
  }

  /**
   * The tasks' work: groups of whole streams when there are at least {@code maxTasks} streams (or
   * one file); otherwise every stream cut into {@code ceil(maxTasks / rows)} runs of files, at most
   * one per file, each but the first warmed up on {@code warmup} tokens.
   */
  static List<PerplexityEvaluator.Chunk> plan(int rows, int files, int maxTasks, int warmup) {
    List<PerplexityEvaluator.Chunk> chunks = new ArrayList<>();
    if (rows >= maxTasks || files == 1) {
      int tasks = Math.max(1, Math.min(rows, maxTasks));
      for (int k = 0; k < tasks; k++) chunks.add(new PerplexityEvaluator.Chunk(k * rows / tasks, (k + 1) * rows / tasks, 0, files, 0));
      return chunks;
    }
    int perStream = Math.min(files, (maxTasks + rows - 1) / rows);
    for (int r = 0; r < rows; r++) {
      for (int s = 0; s < perStream; s++) {
        int from = s * files / perStream;
        chunks.add(new PerplexityEvaluator.Chunk(r, r + 1, from, (s + 1) * files / perStream, from == 0 ? 0 : warmup));
      }
    }
    return chunks;
  }
}
