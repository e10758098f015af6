package dev.awdlm.corpus;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Token ids on hand-ordered counts, encoding, and vocab.tsv. */
class VocabularyTest {
  private static final String UNK = Vocabulary.UNK;
  private static final String EOS = Vocabulary.EOS;

  /** the 5, cat 2, a 2, B 2, é 1, zebra 1; <eos> 3, <unk> 1. */
  private static Vocabulary sample() {
    return Vocabulary.of(List.of(new TokenCount("cat", 2), new TokenCount("the", 5), new TokenCount("zebra", 1),
        new TokenCount("a", 2), new TokenCount("é", 1), new TokenCount("B", 2)), 3, 1);
  }

  private static List<String> tokens(Vocabulary v) {
    return IntStream.range(0, v.size()).mapToObj(v::token).toList();
  }

  @Test
  void idsGoByDescendingCountThenByTokenInUtf16Order() {
    Vocabulary v = sample();
    // Ties: "B" (U+0042) < "a" < "cat"; "<unk>" ('<' is U+003C) < "zebra" < "é" (U+00E9).
    assertEquals(List.of("the", EOS, "B", "a", "cat", UNK, "zebra", "é"), tokens(v));
    assertEquals(5, v.count(0));
    assertEquals(3, v.count(v.id(EOS)));
    assertEquals(1, v.count(v.unkId()));
  }

  @Test
  void theSameCountsGiveTheSameIdsWhateverTheirOrder() {
    Vocabulary shuffled = Vocabulary.of(List.of(new TokenCount("é", 1), new TokenCount("B", 2), new TokenCount("zebra", 1),
        new TokenCount("the", 5), new TokenCount("a", 2), new TokenCount("cat", 2)), 3, 1);
    assertEquals(sample(), shuffled);
  }

  @Test
  void specialTokensAreAlwaysThereAndNeverAmongTheKept() {
    Vocabulary empty = Vocabulary.of(List.of(), 0, 0);
    assertEquals(2, empty.size());
    assertTrue(empty.contains(UNK) && empty.contains(EOS));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of(new TokenCount(UNK, 4)), 1, 1));
    assertThrows(IllegalArgumentException.class, () -> Vocabulary.of(List.of(new TokenCount(EOS, 4)), 1, 1));
  }

  @Test
  void outOfVocabularyTokensEncodeAsUnk() {
    Vocabulary v = sample();
    int unk = v.unkId();
    assertEquals(5, unk);
    assertArrayEquals(new int[] {0, 4, unk, 1, unk, 7}, v.encode(List.of("the", "cat", "dog", EOS, "The", "é")));
    assertEquals(unk, v.id("dog"));
    assertEquals(unk, v.id(UNK));
    assertFalse(v.contains("dog"));
  }

  /** Kryo and Java serialization skip the transient token index: a copy rebuilds it. */
  @Test
  void aDeserializedCopyEncodesTheSame() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      Vocabulary used = sample();
      used.encode(List.of("cat")); // builds the index before serializing
      out.writeObject(used);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      Vocabulary copy = (Vocabulary) in.readObject();
      assertArrayEquals(new int[] {4, 5, 0}, copy.encode(List.of("cat", "dog", "the")));
    }
  }

  @Test
  void tsvRoundTrips() {
    Vocabulary v = sample();
    String tsv = v.toTsv();
    assertTrue(tsv.startsWith("0\tthe\t5\n1\t<eos>\t3\n2\tB\t2\n"), tsv);
    assertTrue(tsv.endsWith("7\té\t1\n"), tsv);
    Vocabulary back = Vocabulary.parseTsv(tsv, "vocab.tsv");
    assertEquals(v, back);
    assertEquals(tokens(v), tokens(back));
    assertEquals(2, back.count(2));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
      "0\\t<unk>\\t1\\n2\\t<eos>\\t1\\n            | line 2 is not 'id<TAB>token<TAB>count' with id 1",
      "0\\t<unk>\\t1\\n1\\t<eos>\\n               | line 2 is not",
      "0\\t<unk>\\t1\\n1\\t\\t4\\n                | line 2 is not",
      "0\\t<unk>\\tmany\\n                       | line 1 is not",
      "0\\t<unk>\\t1\\n1\\t<eos>\\t1\\n2\\tx\\t1\\t9\\n | line 3 is not",
      "0\\t<unk>\\t1\\n1\\t<eos>\\t1\\n2\\t<eos>\\t1\\n | duplicate tokens",
      "0\\t<unk>\\t1\\n1\\tthe\\t1\\n              | <unk> and <eos> must be in the vocabulary",
  })
  void aDamagedTsvIsRejectedNamingTheFileAndTheLine(String escaped, String problem) {
    String tsv = escaped.replace("\\t", "\t").replace("\\n", "\n");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Vocabulary.parseTsv(tsv, "runs/r1/vocab.tsv"));
    assertTrue(e.getMessage().startsWith("runs/r1/vocab.tsv: " + problem), e.getMessage());
  }
}
