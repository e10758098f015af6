package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The notebooks' corpus sample: about the words asked for, in whole blocks, from all over the split. */
class CorpusSampleTest {
  /** 1,000 lines "l<i> w w w w" of 5 words each: 5,000 words. */
  private static final List<String> LINES = IntStream.range(0, 1000).mapToObj(i -> "l" + i + " w w  w w").toList();

  @Test
  void wordsAreWhitespaceSeparated() {
    assertEquals(5000, CorpusSample.words(LINES));
    assertEquals(3, CorpusSample.words(List.of("  a b ", "", "c")));
  }

  @Test
  void theSampleIsWholeBlocksSpreadOverTheSplit() {
    List<String> sample = CorpusSample.of(LINES, 1000, 50);
    assertEquals(1000, CorpusSample.words(sample), "4 blocks of 50 lines");
    for (int b = 0; b < 4; b++) {
      int first = Integer.parseInt(sample.get(50 * b).split(" ")[0].substring(1));
      assertEquals(0, first % 50, "a block starts at a block boundary");
      for (int i = 0; i < 50; i++) assertEquals("l" + (first + i), sample.get(50 * b + i).split(" ")[0], "consecutive lines");
    }
    assertEquals("l0 w w  w w", sample.get(0));
    assertEquals("l750 w w  w w", sample.get(150), "the last block comes from the last quarter of the split");
  }

  @Test
  void aSampleAsLargeAsTheSplitIsTheSplit() {
    assertSame(LINES, CorpusSample.of(LINES, 5000, 50));
    assertEquals(50, CorpusSample.of(LINES, 1, 50).size(), "at least one block");
  }
}
