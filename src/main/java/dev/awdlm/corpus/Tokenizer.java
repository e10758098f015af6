package dev.awdlm.corpus;

import dev.awdlm.config.DataConfig;
import java.io.Serializable;
import java.util.List;

/** Turns one line of text into tokens, end-of-line marker included. Runs on executors. */
public interface Tokenizer extends Serializable {

  List<String> tokenize(String line);

  /** The tokenizer {@code data.tokenizer} names, with its options. */
  static Tokenizer of(DataConfig data) {
    return switch (data.tokenizer()) {
      case WHITESPACE -> new WhitespaceTokenizer();
      case WORD -> new WordTokenizer(data.lowercase(), data.replaceNumbers(), data.eos() == DataConfig.EosMode.SENTENCE);
      case CHAR -> new CharTokenizer(data.lowercase());
    };
  }
}
