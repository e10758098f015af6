package dev.awdlm.score;

import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.spark.BroadcastNetwork;
import java.io.Serializable;

/**
 * What executors need to score records, broadcast once per job: the network (its configuration
 * and parameters, no updater state), its vocabulary and tokenizer, and the batching
 * settings. A class rather than a record so that it also broadcasts in a session whose Kryo has no
 * awdlm registrator (a user's own spark-shell): Kryo 4 cannot field-serialize records.
 */
public final class ScoringModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private final BroadcastNetwork network;
  private final Vocabulary vocab;
  private final Tokenizer tokenizer;
  private final int window;
  private final int batchSize;
  private final int maxTokens;

  /** @param window time steps per forward call: the model's {@code train.bptt} */
  ScoringModel(BroadcastNetwork network, Vocabulary vocab, Tokenizer tokenizer, int window, int batchSize, int maxTokens) {
    this.network = network;
    this.vocab = vocab;
    this.tokenizer = tokenizer;
    this.window = window;
    this.batchSize = batchSize;
    this.maxTokens = maxTokens;
  }

  public int batchSize() {
    return batchSize;
  }

  public int maxTokens() {
    return maxTokens;
  }

  public static ScoringModel of(SavedModel model, int batchSize, int maxTokens) {
    return new ScoringModel(BroadcastNetwork.of(model.net()), model.vocab(), Tokenizer.of(model.config().data()),
        model.config().train().bptt(), batchSize, maxTokens);
  }

  /** A scorer with its own copy of the network: one per task, as a network is not thread-safe. */
  public RecordScorer open() {
    return new RecordScorer(network.restore(), vocab, tokenizer, window, batchSize, maxTokens);
  }
}
