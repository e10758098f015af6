package dev.awdlm.bench;

import dev.awdlm.eval.PerplexityEvaluator;
import dev.awdlm.model.AwdLstmSpec;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Training throughput of a language-model network in this JVM: TBPTT updates over random token
 * streams (the cost does not depend on the tokens), tokens/s after warm-up windows.
 */
public final class ModelBench {
  private ModelBench() {}

  /** A timed run: tokens trained and seconds. */
  public record Timing(long tokens, double seconds) {
    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  /**
   * @param windows BPTT windows per DataSet (state carries across them, as in training)
   * @param minSeconds keep training at least this long after the warm-up DataSet
   */
  public static Timing trainingSpeed(MultiLayerNetwork net, int vocab, int batch, int bptt, int windows, double minSeconds, long seed) {
    DataSet ds = randomStream(vocab, batch, bptt * windows, seed);
    net.fit(ds); // warm-up: JIT, allocations, BLAS threads
    long tokens = 0;
    long start = System.nanoTime();
    double elapsed;
    do {
      net.fit(ds);
      tokens += (long) batch * bptt * windows;
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < minSeconds);
    return new Timing(tokens, elapsed);
  }

  /**
   * Stateful evaluation throughput (inference mode, the code {@code evaluate} runs on executors) of
   * {@code rows} streams, after one warm-up pass.
   */
  public static Timing evaluationSpeed(MultiLayerNetwork net, int vocab, int rows, int bptt, int windows, double minSeconds,
      long seed) {
    DataSet ds = randomStream(vocab, rows, bptt * windows, seed);
    PerplexityEvaluator evaluator = new PerplexityEvaluator(bptt);
    evaluator.evaluate(net, ds);
    long tokens = 0;
    long start = System.nanoTime();
    double elapsed;
    do {
      tokens += evaluator.evaluate(net, ds).tokens();
      elapsed = (System.nanoTime() - start) / 1e9;
    } while (elapsed < minSeconds);
    net.rnnClearPreviousState();
    return new Timing(tokens, elapsed);
  }

  static DataSet randomStream(int vocab, int batch, int steps, long seed) {
    Random r = new Random(seed);
    float[] f = new float[batch * steps];
    float[] l = new float[batch * steps];
    for (int i = 0; i < f.length; i++) {
      f[i] = r.nextInt(vocab);
      l[i] = r.nextInt(vocab);
    }
    INDArray features = Nd4j.create(f, new long[] {batch, 1, steps}, 'c');
    INDArray labels = Nd4j.create(l, new long[] {batch, 1, steps}, 'c');
    return new DataSet(features.castTo(DataType.FLOAT), labels.castTo(DataType.FLOAT));
  }

  /**
   * Multiply-accumulates per token of the forward pass: input and recurrent GEMMs of every LSTM
   * layer plus the decoder. Training costs about three times this (forward, and backward for
   * activations and weights), and a multiply-accumulate is 2 FLOPs.
   */
  public static double trainingFlopsPerToken(AwdLstmSpec s) {
    double macs = 0;
    for (int l = 0; l < s.nlayers(); l++) {
      int h = s.hiddenSize(l);
      macs += 4.0 * h * (s.inputSize(l) + h);
    }
    macs += (double) s.hiddenSize(s.nlayers() - 1) * s.vocab();
    return 3 * 2 * macs;
  }
}
