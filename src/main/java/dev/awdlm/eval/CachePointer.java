package dev.awdlm.eval;

import java.util.Arrays;

/**
 * The continuous cache pointer of Grave et al. (2016), as salesforce/awd-lstm-lm's
 * {@code pointer.py} applies it to a trained model without retraining. One stream's memory holds
 * the last {@code window} pairs (h_i, y_i): the top LSTM layer's output at step i and the token
 * that followed it. At step t the pointer distribution puts mass {@code softmax(theta * h_t . h_i)}
 * on each remembered y_i, and the model's next-token probability becomes
 * {@code (1 - lambda) p_vocab + lambda p_pointer}.
 *
 * <p>One difference from pointer.py, on purpose: pointer.py mixes only once a full window has
 * been seen, so the first {@code window} tokens of a split are scored without a cache; here the
 * cache is used as soon as it holds one pair, as in Grave et al. With a chunked split every chunk
 * then behaves the same whatever its position.
 *
 * <p>A {@link Grid} scores many (theta, lambda) settings in one pass: the dot products do not
 * depend on either, so tuning on the validation split costs about one evaluation.
 */
public final class CachePointer {
  private CachePointer() {}

  /** One stream's memory: a ring of the last {@code window} (hidden state, next token) pairs. */
  public static final class Memory {
    private final int window;
    private final int hidden;
    private final float[] states;
    private final int[] tokens;
    private int size;
    private int next;

    public Memory(int window, int hidden) {
      if (window < 1 || hidden < 1) throw new IllegalArgumentException("window and hidden must be >= 1");
      this.window = window;
      this.hidden = hidden;
      this.states = new float[window * hidden];
      this.tokens = new int[window];
    }

    /** Remembers {@code h[offset, offset + hidden)} and the token that followed it, forgetting the oldest pair when full. */
    public void add(float[] h, int offset, int token) {
      System.arraycopy(h, offset, states, next * hidden, hidden);
      tokens[next] = token;
      next = (next + 1) % window;
      size = Math.min(size + 1, window);
    }

    public int size() {
      return size;
    }

    public int hidden() {
      return hidden;
    }

    /** {@code h . h_i} for every remembered pair, oldest first, into {@code out[0, size)}. */
    void dots(float[] h, int offset, double[] out) {
      int first = size < window ? 0 : next;
      for (int k = 0; k < size; k++) {
        int slot = (first + k) % window;
        int base = slot * hidden;
        double dot = 0;
        for (int j = 0; j < hidden; j++) dot += (double) h[offset + j] * states[base + j];
        out[k] = dot;
      }
    }

    /** The token that followed the k-th oldest remembered state. */
    int token(int k) {
      int first = size < window ? 0 : next;
      return tokens[(first + k) % window];
    }
  }

  /**
   * The pointer's probability of {@code target}: the attention mass on remembered pairs whose next
   * token is {@code target}. Zero while the memory is empty.
   */
  public static double pointerProbability(Memory memory, float[] h, int offset, int target, double theta) {
    double[] logits = new double[memory.size()];
    memory.dots(h, offset, logits);
    return attentionOn(memory, logits, target, theta);
  }

  private static double attentionOn(Memory memory, double[] logits, int target, double theta) {
    int n = memory.size();
    if (n == 0) return 0;
    double max = Double.NEGATIVE_INFINITY;
    for (int k = 0; k < n; k++) max = Math.max(max, theta * logits[k]);
    double total = 0;
    double onTarget = 0;
    for (int k = 0; k < n; k++) {
      double w = Math.exp(theta * logits[k] - max);
      total += w;
      if (memory.token(k) == target) onTarget += w;
    }
    return onTarget / total;
  }

  /**
   * The negative log-likelihood of a token under the mixture. {@code lambda = 0} returns
   * {@code -logVocab} itself, so the pointer off reproduces the plain perplexity bit for bit.
   */
  public static double mixedNll(double logVocab, double pointer, double lambda) {
    if (lambda == 0) return -logVocab;
    return -Math.log((1 - lambda) * Math.exp(logVocab) + lambda * pointer);
  }

  /**
   * Summed NLL under every (theta, lambda) of a grid, accumulated token by token; sums, so that
   * chunks scored on different executors add up exactly.
   */
  public static final class Grid implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final double[] thetas;
    private final double[] lambdas;
    private final double[] nll; // [theta][lambda], row-major
    private long tokens;
    private transient double[] logits;

    public Grid(double[] thetas, double[] lambdas) {
      if (thetas.length == 0 || lambdas.length == 0) throw new IllegalArgumentException("an empty pointer grid");
      this.thetas = thetas.clone();
      this.lambdas = lambdas.clone();
      this.nll = new double[thetas.length * lambdas.length];
    }

    /**
     * Scores one token: its log-probability under the model, the query state, the memory of the
     * steps before it; then remembers the pair (h, target).
     */
    public void score(Memory memory, float[] h, int offset, int target, double logVocab) {
      if (logits == null || logits.length < memory.window) logits = new double[memory.window];
      memory.dots(h, offset, logits);
      for (int a = 0; a < thetas.length; a++) {
        double pointer = attentionOn(memory, logits, target, thetas[a]);
        for (int b = 0; b < lambdas.length; b++) nll[a * lambdas.length + b] += mixedNll(logVocab, pointer, lambdas[b]);
      }
      tokens++;
      memory.add(h, offset, target);
    }

    public Grid plus(Grid other) {
      if (!Arrays.equals(thetas, other.thetas) || !Arrays.equals(lambdas, other.lambdas)) {
        throw new IllegalArgumentException("pointer grids of different settings");
      }
      Grid sum = new Grid(thetas, lambdas);
      for (int i = 0; i < nll.length; i++) sum.nll[i] = nll[i] + other.nll[i];
      sum.tokens = tokens + other.tokens;
      return sum;
    }

    public Perplexity at(int thetaIndex, int lambdaIndex) {
      return new Perplexity(nll[thetaIndex * lambdas.length + lambdaIndex], tokens);
    }

    public double theta(int i) {
      return thetas[i];
    }

    public double lambda(int i) {
      return lambdas[i];
    }

    /** {@code {thetaIndex, lambdaIndex}} of the lowest perplexity; ties go to the first. */
    public int[] best() {
      int best = 0;
      for (int i = 1; i < nll.length; i++) if (nll[i] < nll[best]) best = i;
      return new int[] {best / lambdas.length, best % lambdas.length};
    }

    public long tokens() {
      return tokens;
    }
  }
}
