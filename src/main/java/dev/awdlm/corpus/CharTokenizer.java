package dev.awdlm.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Character level: every code point is a token, each run of whitespace between two characters is
 * one {@link #SPACE} token (visible in vocab.tsv, unlike a space), and {@code <eos>} ends every
 * line, empty lines included, as in the whitespace tokenizer.
 */
public final class CharTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;
  /** U+2581 LOWER ONE EIGHTH BLOCK, SentencePiece's word-boundary mark. */
  public static final String SPACE = "\u2581";

  private final boolean lowercase;

  public CharTokenizer(boolean lowercase) {
    this.lowercase = lowercase;
  }

  @Override
  public List<String> tokenize(String line) {
    String text = lowercase ? line.toLowerCase(Locale.ROOT) : line;
    List<String> out = new ArrayList<>(text.length() + 1);
    boolean pendingSpace = false;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int next = i + Character.charCount(cp);
      if (Chars.isSpace(cp)) {
        pendingSpace = !out.isEmpty();
      } else {
        if (pendingSpace) out.add(SPACE);
        pendingSpace = false;
        out.add(text.substring(i, next));
      }
      i = next;
    }
    out.add(Vocabulary.EOS);
    return out;
  }
}
