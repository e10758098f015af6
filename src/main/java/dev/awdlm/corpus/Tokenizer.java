package dev.awdlm.corpus;

import dev.awdlm.config.ConfigError;
import java.io.Serializable;
import java.util.List;

/** Turns one line of text into tokens, end-of-line marker included. Runs on executors. */
public interface Tokenizer extends Serializable {

  List<String> tokenize(String line);

  /** The tokenizer a {@code data.tokenizer} value names. */
  static Tokenizer forName(String name) {
    return switch (name) {
      case "whitespace" -> new WhitespaceTokenizer();
      default -> throw new ConfigError("data.tokenizer", name, "unknown tokenizer");
    };
  }
}
