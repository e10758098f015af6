package dev.awdlm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.corpus.WhitespaceTokenizer;
import dev.awdlm.corpus.WordTokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A record's tokens: the tokenizer on each of its lines, as Hadoop's text input splits lines. */
class RecordTokensTest {
  private static final WhitespaceTokenizer WHITESPACE = new WhitespaceTokenizer();

  @Test
  void eachLineGetsItsOwnEos() {
    assertEquals(List.of("a", "b", "<eos>", "c", "<eos>", "d", "<eos>"), RecordTokens.of(WHITESPACE, "a b\r\nc\rd"));
  }

  @Test
  void innerEmptyLinesCountAsTheTokenizerSaysButAFinalLineBreakStartsNoLine() {
    assertEquals(List.of("<eos>", "a", "<eos>", "<eos>"), RecordTokens.of(WHITESPACE, "\na\n\n"));
    assertEquals(List.of("a", "<eos>"), RecordTokens.of(new WordTokenizer(true, false, false), "\nA\n\n"));
  }

  @Test
  void blankOrNullTextHasNoTokensWhateverTheTokenizer() {
    for (String blank : new String[] {null, "", " \t", "\n", "\r\n\n"}) assertEquals(List.of(), RecordTokens.of(WHITESPACE, blank));
  }
}
