package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** How a split's token positions become DataSet files, on hand-worked examples. */
class StreamLayoutTest {

  private static long[] starts(StreamLayout l) {
    return IntStream.range(0, l.intervals()).mapToLong(l::start).toArray();
  }

  private static long[] ends(StreamLayout l) {
    return IntStream.range(0, l.intervals()).mapToLong(l::end).toArray();
  }

  private static int[] files(StreamLayout l) {
    return IntStream.range(0, l.intervals()).map(l::file).toArray();
  }

  private static int[] rows(StreamLayout l) {
    return IntStream.range(0, l.intervals()).map(l::row).toArray();
  }

  /**
   * 25 tokens, 2 rows of 3 steps: (25 - 1) / 6 = 4 shards of 6 consecutive windows, row 0 the
   * first 3 steps of a shard and row 1 the next; every token but the first is a label.
   */
  @Test
  void trainCutsConsecutiveShardsOfRowsTimesLength() {
    StreamLayout l = StreamLayout.train(25, 2, 3);
    assertEquals(4, l.files());
    assertEquals(8, l.intervals());
    assertEquals(3, l.length(3));
    assertEquals(24, l.predictedTokens());
    assertArrayEquals(new long[] {0, 3, 6, 9, 12, 15, 18, 21}, starts(l));
    assertArrayEquals(new long[] {3, 6, 9, 12, 15, 18, 21, 24}, ends(l), "each reads length + 1 tokens");
    assertArrayEquals(new int[] {0, 0, 1, 1, 2, 2, 3, 3}, files(l));
    assertArrayEquals(new int[] {0, 1, 0, 1, 0, 1, 0, 1}, rows(l));
  }

  /** 24 tokens fill only 3 shards ((24 - 1) / 6): the last 5 tokens are dropped; 6 tokens fill none. */
  @Test
  void trainDropsTheTailThatDoesNotFillAShard() {
    StreamLayout l = StreamLayout.train(24, 2, 3);
    assertEquals(3, l.files());
    assertEquals(18, l.predictedTokens());
    assertEquals(18, l.end(l.intervals() - 1));
    assertEquals(0, StreamLayout.train(6, 2, 3).files());
    assertEquals(0, StreamLayout.train(6, 2, 3).predictedTokens());
  }

  /**
   * 23 tokens in 2 rows: batchify keeps 11 per row (row 1 starts at 11, token 22 is dropped); 10
   * predictions per row in chunks of 4, 4 and 2 steps. Interval q is row q / 3 of file q % 3.
   */
  @Test
  void evalBatchifiesTheWholeSplitThenCutsTimeChunks() {
    StreamLayout l = StreamLayout.eval(23, 2, 4);
    assertEquals(3, l.files());
    assertEquals(4, l.length(0));
    assertEquals(4, l.length(1));
    assertEquals(2, l.length(2));
    assertEquals(20, l.predictedTokens());
    assertArrayEquals(new long[] {0, 4, 8, 11, 15, 19}, starts(l));
    assertArrayEquals(new long[] {4, 8, 10, 15, 19, 21}, ends(l));
    assertArrayEquals(new int[] {0, 1, 2, 0, 1, 2}, files(l));
    assertArrayEquals(new int[] {0, 0, 0, 1, 1, 1}, rows(l));
  }

  /** 18 tokens in 2 rows of 9: 8 predictions per row fill exactly two chunks of 4. */
  @Test
  void evalWithoutAShortLastChunk() {
    StreamLayout l = StreamLayout.eval(18, 2, 4);
    assertEquals(2, l.files());
    assertEquals(4, l.length(1));
    assertEquals(16, l.predictedTokens());
    assertArrayEquals(new long[] {4, 8, 13, 17}, ends(l));
  }

  /** A row needs two tokens for one prediction: 3 tokens in 2 rows give nothing to evaluate. */
  @Test
  void evalOfTooFewTokensHasNoFiles() {
    StreamLayout l = StreamLayout.eval(3, 2, 4);
    assertEquals(0, l.files());
    assertEquals(0, l.intervals());
    assertEquals(0, l.predictedTokens());
  }

  /** Ends of the 23-token eval example: 4, 8, 10, 15, 19, 21. */
  @Test
  void firstIntervalEndingAtOrAfterAPosition() {
    StreamLayout l = StreamLayout.eval(23, 2, 4);
    int[] expected = {0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 6, 6};
    for (int position = 0; position < expected.length; position++) {
      assertEquals(expected[position], l.firstIntervalEndingAtOrAfter(position), "position " + position);
    }
    assertEquals(2, StreamLayout.train(25, 2, 3).firstIntervalEndingAtOrAfter(7), "ends 3, 6, 9, ...");
  }
}
