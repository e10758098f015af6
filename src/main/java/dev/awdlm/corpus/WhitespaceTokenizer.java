package dev.awdlm.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * awd-lstm-lm's {@code data.py}: {@code line.split() + ['<eos>']}. Python's {@code str.split()}
 * splits on Unicode whitespace (no-break space included), so this does too. Empty lines still give
 * {@code <eos>}. Nothing else changes: this is for corpora that are tokenized already.
 */
public final class WhitespaceTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;

  @Override
  public List<String> tokenize(String line) {
    List<String> tokens = new ArrayList<>();
    int start = -1;
    for (int i = 0; i < line.length(); i++) {
      if (Chars.isSpace(line.charAt(i))) {
        if (start >= 0) tokens.add(line.substring(start, i));
        start = -1;
      } else if (start < 0) {
        start = i;
      }
    }
    if (start >= 0) tokens.add(line.substring(start));
    tokens.add(Vocabulary.EOS);
    return tokens;
  }
}
