package dev.awdlm.score;

import dev.awdlm.corpus.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A record's tokens: the model's tokenizer applied to each line of the record's text, so that a
 * multi-line record (a whole file, a document column) gets the {@code <eos>} markers its lines got
 * in training. Lines end at {@code \n}, {@code \r\n} or {@code \r}, as Hadoop's text input splits
 * them; a final line break ends the last line rather than starting an empty one. Null or blank
 * text has no tokens, whatever the tokenizer (the whitespace tokenizer alone would give it an
 * {@code <eos>}).
 */
public final class RecordTokens {
  private static final Pattern LINE_BREAK = Pattern.compile("\r\n|\n|\r");

  private RecordTokens() {}

  public static List<String> of(Tokenizer tokenizer, String text) {
    if (text == null || text.isBlank()) return List.of();
    String[] lines = LINE_BREAK.split(text, -1);
    int count = lines[lines.length - 1].isEmpty() ? lines.length - 1 : lines.length;
    List<String> tokens = new ArrayList<>();
    for (int i = 0; i < count; i++) tokens.addAll(tokenizer.tokenize(lines[i]));
    return tokens;
  }
}
