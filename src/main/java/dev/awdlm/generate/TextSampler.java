package dev.awdlm.generate;

import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.score.RecordTokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Samples text from a saved model. The model first reads {@code <eos>} and the prompt (tokenized
 * as a record is, without the prompt's own final {@code <eos>}, so the text continues its line;
 * words outside the vocabulary are read as {@code <unk>}), then draws each next token from
 * {@code p^(1/temperature)}, renormalised over the {@code topK} most probable tokens (all when 0),
 * with {@code java.util.Random(seed)}: the same model, prompt and seed give the same text.
 */
public final class TextSampler {
  /** @param topK sample among the K most probable tokens; 0 for all */
  public record Options(String prompt, int words, double temperature, int topK, long seed) {
    public Options {
      if (words < 1) throw new ConfigError("--words", words, "must be >= 1");
      if (!(temperature > 0) || Double.isInfinite(temperature)) throw new ConfigError("--temperature", temperature, "must be a finite number > 0");
      if (topK < 0) throw new ConfigError("--top-k", topK, "must be >= 0 (0: every token)");
    }
  }

  /**
   * @param prompt the prompt's tokens as the model read them ({@code <unk>} for unknown words)
   * @param generated the sampled tokens
   * @param unknown prompt words outside the vocabulary, each once
   */
  public record Sample(List<String> prompt, List<String> generated, List<String> unknown) {}

  private TextSampler() {}

  public static Sample sample(SavedModel model, Options o) {
    Vocabulary vocab = model.vocab();
    if (o.topK() > vocab.size()) throw new ConfigError("--top-k", o.topK(), "is more than the " + vocab.size() + " tokens of the vocabulary");
    List<String> words = new ArrayList<>(RecordTokens.of(Tokenizer.of(model.config().data()), o.prompt()));
    if (!words.isEmpty() && words.get(words.size() - 1).equals(Vocabulary.EOS)) words.remove(words.size() - 1);
    Set<String> unknown = new LinkedHashSet<>();
    List<String> prompt = new ArrayList<>();
    for (String w : words) {
      if (!vocab.contains(w)) unknown.add(w);
      prompt.add(vocab.token(vocab.id(w)));
    }
    int[] context = new int[prompt.size() + 1];
    context[0] = vocab.id(Vocabulary.EOS);
    for (int i = 0; i < prompt.size(); i++) context[i + 1] = vocab.id(prompt.get(i));

    MultiLayerNetwork net = model.net();
    Random random = new Random(o.seed());
    List<String> generated = new ArrayList<>(o.words());
    net.rnnClearPreviousState();
    try {
      double[] next = lastStep(net.rnnTimeStep(ids(context)));
      for (int i = 0; i < o.words(); i++) {
        int id = draw(next, o.temperature(), o.topK(), random);
        generated.add(vocab.token(id));
        next = lastStep(net.rnnTimeStep(ids(new int[] {id})));
      }
    } finally {
      net.rnnClearPreviousState();
    }
    return new Sample(List.copyOf(prompt), List.copyOf(generated), List.copyOf(unknown));
  }

  private static INDArray ids(int[] ids) {
    INDArray a = Nd4j.create(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, ids.length);
    for (int t = 0; t < ids.length; t++) a.putScalar(new long[] {0, 0, t}, ids[t]);
    return a;
  }

  /** The next-token distribution after the last input step of {@code [1, V, T]} probabilities. */
  private static double[] lastStep(INDArray probabilities) {
    long steps = probabilities.size(2);
    double[] p = new double[(int) probabilities.size(1)];
    for (int v = 0; v < p.length; v++) p[v] = probabilities.getDouble(0, v, steps - 1);
    return p;
  }

  /**
   * A token drawn from {@code p^(1/temperature)} over the K most probable tokens (equal
   * probabilities in id order). Weights are taken relative to the most probable token, so a low
   * temperature approaches the argmax instead of underflowing.
   */
  static int draw(double[] p, double temperature, int topK, Random random) {
    Integer[] order = new Integer[p.length];
    for (int v = 0; v < p.length; v++) order[v] = v;
    Arrays.sort(order, (a, b) -> p[a] != p[b] ? Double.compare(p[b], p[a]) : Integer.compare(a, b));
    int k = topK == 0 ? p.length : topK;
    double top = Math.log(p[order[0]]);
    double[] weights = new double[k];
    double total = 0;
    for (int i = 0; i < k; i++) {
      weights[i] = Math.exp((Math.log(p[order[i]]) - top) / temperature);
      total += weights[i];
    }
    double u = random.nextDouble() * total;
    int last = order[0];
    for (int i = 0; i < k; i++) {
      if (weights[i] > 0) last = order[i];
      u -= weights[i];
      if (u < 0) return order[i];
    }
    return last; // rounding left u at the total: the last token that had weight
  }

  /** The text a person reads: {@code <eos>} as a line break, words spaced ({@code char} models: the ▁ marks). */
  public static String render(List<String> tokens, boolean characters) {
    StringBuilder sb = new StringBuilder();
    for (String t : tokens) {
      if (t.equals(Vocabulary.EOS)) {
        sb.append('\n');
        continue;
      }
      if (characters) sb.append(t.equals("\u2581") ? " " : t);
      else sb.append(sb.length() == 0 || sb.charAt(sb.length() - 1) == '\n' ? "" : " ").append(t);
    }
    return sb.toString();
  }
}
