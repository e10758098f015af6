package dev.awdlm.score;

import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Scores records of text with one model: tokenizes each record ({@link RecordTokens}), encodes it
 * with the model's vocabulary, keeps its first {@code maxTokens} tokens, and scores all the
 * non-empty ones together ({@link BatchScorer}). Runs on executors, one instance per task.
 */
public final class RecordScorer {
  private final Tokenizer tokenizer;
  private final Vocabulary vocab;
  private final int maxTokens;
  private final BatchScorer batches;

  public RecordScorer(MultiLayerNetwork net, Vocabulary vocab, Tokenizer tokenizer, int window, int batchSize, int maxTokens) {
    if (maxTokens < 1) throw new IllegalArgumentException("maxTokens " + maxTokens);
    this.tokenizer = tokenizer;
    this.vocab = vocab;
    this.maxTokens = maxTokens;
    this.batches = new BatchScorer(net, vocab.id(Vocabulary.EOS), window, batchSize);
  }

  /** One result per text, in order; a null text is a record without tokens. */
  public List<RecordScore> score(List<String> texts) {
    int unk = vocab.unkId();
    int[] tokens = new int[texts.size()];
    int[] oov = new int[texts.size()];
    List<int[]> scored = new ArrayList<>();
    List<Integer> scoredIndex = new ArrayList<>();
    for (int i = 0; i < texts.size(); i++) {
      int[] ids = vocab.encode(RecordTokens.of(tokenizer, texts.get(i)));
      tokens[i] = ids.length;
      for (int id : ids) if (id == unk) oov[i]++;
      if (ids.length == 0) continue;
      scored.add(ids.length > maxTokens ? Arrays.copyOf(ids, maxTokens) : ids);
      scoredIndex.add(i);
    }
    double[] nll = batches.score(scored);
    RecordScore[] out = new RecordScore[texts.size()];
    for (int i = 0; i < out.length; i++) out[i] = RecordScore.of(tokens[i], 0, oov[i], 0);
    for (int k = 0; k < nll.length; k++) {
      int i = scoredIndex.get(k);
      out[i] = RecordScore.of(tokens[i], scored.get(k).length, oov[i], nll[k]);
    }
    return List.of(out);
  }
}
