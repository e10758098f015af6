package dev.awdlm.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.DataConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Exact outputs of the three tokenizers on hand-checked lines. */
class TokenizerTest {
  private static final String EOS = Vocabulary.EOS;

  @Test
  void whitespaceIsAwdLstmDataPy() {
    Tokenizer t = new WhitespaceTokenizer();
    // Python: "  the cat\tsat \u00a0 N \n".split() + ['<eos>']
    assertEquals(List.of("the", "cat", "sat", "N", EOS), t.tokenize("  the cat\tsat \u00a0 N "));
    assertEquals(List.of(EOS), t.tokenize(""));
    assertEquals(List.of(EOS), t.tokenize("   "));
    // nothing else changes: case, punctuation, <unk> literals
    assertEquals(List.of("Don't", "<unk>", "U.S.", "$", "1,000", EOS), t.tokenize("Don't <unk> U.S. $ 1,000"));
  }

  @Test
  void wordSplitsWordsAndPunctuation() {
    Tokenizer t = new WordTokenizer(true, false, false);
    assertEquals(List.of("\"", "don't", "stop", ",", "it's", "well-known", "!", "\"", EOS),
        t.tokenize("\"Don't stop, it's well-known!\""));
    assertEquals(List.of("pi", "is", "3.14", ",", "not", "1,000", ".", EOS), t.tokenize("Pi is 3.14, not 1,000."));
    assertEquals(List.of("end", "-", "to", "-", "-", "end", EOS), t.tokenize("end- to --end"));
    assertEquals(List.of("$", "5", "(", "five", ")", EOS), t.tokenize("$5 (five)"));
  }

  @Test
  void wordIsUnicodeAware() {
    Tokenizer t = new WordTokenizer(true, false, false);
    assertEquals(List.of("naïve", "café", "—", "東京", "über", "straße", "😀", EOS),
        t.tokenize("Naïve café — 東京 Über STRASSE".replace("STRASSE", "Straße") + " 😀"));
    // a combining accent stays in its word
    assertEquals(List.of("cafe\u0301", EOS), t.tokenize("Cafe\u0301"));
    // no-break and ideographic spaces separate words
    assertEquals(List.of("a", "b", "c", EOS), t.tokenize("a\u00a0b\u3000c"));
  }

  @Test
  void wordOptions() {
    assertEquals(List.of("In", "1990", ",", "3.5", "Million", EOS), new WordTokenizer(false, false, false).tokenize("In 1990, 3.5 Million"));
    assertEquals(List.of("in", "N", ",", "N", "million", "1990s", EOS), new WordTokenizer(true, true, false).tokenize("In 1990, 3.5 million 1990s"));
  }

  @Test
  void wordSkipsEmptyLines() {
    assertEquals(List.of(), new WordTokenizer(true, false, false).tokenize("  \t "));
  }

  @Test
  void wordSentenceMode() {
    Tokenizer t = new WordTokenizer(true, false, true);
    assertEquals(List.of("it", "rained", ".", EOS, "we", "stayed", "!", EOS, "\"", "why", "?", "\"", EOS,
        "mr", ".", "smith", "asked", ".", EOS),
        t.tokenize("It rained. We stayed! \"Why?\" Mr. Smith asked."));
    // initials and lower-case continuations do not end a sentence
    assertEquals(List.of("j", ".", "r", ".", "r", ".", "tolkien", "wrote", "it", ".", "and", "more", ".", EOS),
        t.tokenize("J. R. R. Tolkien wrote it. and more."));
    assertEquals(List.of("wait", ".", ".", ".", EOS, "yes", EOS), t.tokenize("Wait... Yes"));
  }

  @Test
  void charTokensAndSpaces() {
    Tokenizer t = new CharTokenizer(true);
    String s = CharTokenizer.SPACE;
    assertEquals(List.of("a", "b", s, "c", "!", EOS), t.tokenize("  Ab \t C! "));
    assertEquals(List.of(EOS), t.tokenize(""));
    assertEquals(List.of("東", "😀", s, "é", EOS), new CharTokenizer(false).tokenize("東😀 é"));
    assertEquals(List.of("A", EOS), new CharTokenizer(false).tokenize("A"));
  }

  @Test
  void ofBuildsTheTokenizerTheConfigNamesWithItsOptions() {
    String line = "It rained. We  stayed";
    assertEquals(List.of("It", "rained.", "We", "stayed", EOS), of("data.tokenizer=whitespace").tokenize(line));
    assertEquals(List.of("it", "rained", ".", "we", "stayed", EOS), of("data.tokenizer=word").tokenize(line));
    assertEquals(List.of("it", "rained", ".", EOS, "we", "stayed", EOS),
        of("data.tokenizer=word", "data.eos=sentence").tokenize(line));
    assertEquals(List.of("I", "t", CharTokenizer.SPACE, "r"),
        of("data.tokenizer=char", "data.lowercase=false").tokenize("It r").subList(0, 4));
  }

  private static Tokenizer of(String... overrides) {
    DataConfig data = ConfigLoader.load(null, List.of(overrides)).data();
    return Tokenizer.of(data);
  }
}
