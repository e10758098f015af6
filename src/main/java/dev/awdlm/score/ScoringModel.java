package dev.awdlm.score;

import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.eval.SavedModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * What executors need to score records, broadcast once per job: the network as ModelSerializer
 * bytes (parameters only, no updater state), its vocabulary and tokenizer, and the batching
 * settings. A class rather than a record so that it also broadcasts in a session whose Kryo has no
 * awdlm registrator (a user's own spark-shell): Kryo 4 cannot field-serialize records.
 */
public final class ScoringModel implements Serializable {
  private static final long serialVersionUID = 1L;
  private final byte[] network;
  private final Vocabulary vocab;
  private final Tokenizer tokenizer;
  private final int window;
  private final int batchSize;
  private final int maxTokens;

  /** @param window time steps per forward call: the model's {@code train.bptt} */
  ScoringModel(byte[] network, Vocabulary vocab, Tokenizer tokenizer, int window, int batchSize, int maxTokens) {
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
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ModelSerializer.writeModel(model.net(), out, false);
      return new ScoringModel(out.toByteArray(), model.vocab(), Tokenizer.of(model.config().data()),
          model.config().train().bptt(), batchSize, maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize the model for broadcast", e);
    }
  }

  /** A scorer with its own copy of the network: one per task, as a network is not thread-safe. */
  public RecordScorer open() {
    try {
      MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(new ByteArrayInputStream(network), false);
      return new RecordScorer(net, vocab, tokenizer, window, batchSize, maxTokens);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore the broadcast model", e);
    }
  }
}
