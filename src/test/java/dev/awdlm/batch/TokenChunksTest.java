package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.corpus.CharTokenizer;
import dev.awdlm.corpus.TokenCount;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Utf8;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.corpus.WhitespaceTokenizer;
import dev.awdlm.corpus.WordTokenizer;
import dev.awdlm.testing.TestFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import scala.Tuple2;

/**
 * Tokenizing once into partition-local ids, counting those and translating them gives what the
 * single path (tokenize, then look every token up in the vocabulary) gives, whatever the chunk size.
 */
class TokenChunksTest {
  @TempDir Path tmp;

  private List<Utf8.Line> lines() {
    List<Utf8.Line> out = new ArrayList<>();
    for (String name : List.of("notes.txt", "more.txt")) {
      Path f = TestFiles.copyResource("corpus/raw/" + name, tmp.resolve(name));
      for (String line : PrepareFixtures.lines(f)) {
        byte[] b = line.getBytes(StandardCharsets.UTF_8);
        out.add(Utf8.decode(b, b.length));
      }
    }
    // Blank lines, a literal <unk>, and a line with two invalid bytes.
    out.add(Utf8.decode(new byte[0], 0));
    out.add(Utf8.decode("  ".getBytes(StandardCharsets.UTF_8), 2));
    out.add(Utf8.decode("a <unk> b".getBytes(StandardCharsets.UTF_8), 9));
    byte[] bad = {'o', 'k', ' ', (byte) 0xC3, (byte) 0x28, ' ', (byte) 0xFF};
    out.add(Utf8.decode(bad, bad.length));
    return out;
  }

  private static Tokenizer tokenizer(String name) {
    return switch (name) {
      case "whitespace" -> new WhitespaceTokenizer();
      case "word" -> new WordTokenizer(true, true, true);
      default -> new CharTokenizer(true);
    };
  }

  /** A vocabulary of the plain counts that leaves some tokens out, so <unk> occurs. */
  private static Vocabulary vocabulary(Map<String, Long> counts, int keep) {
    List<TokenCount> kept = new ArrayList<>();
    counts.forEach((t, c) -> {
      if (!Vocabulary.isSpecial(t)) kept.add(new TokenCount(t, c));
    });
    kept.sort(Vocabulary.ORDER);
    List<TokenCount> top = kept.subList(0, Math.min(keep, kept.size()));
    return Vocabulary.of(top, counts.getOrDefault(Vocabulary.EOS, 0L), 0);
  }

  @ParameterizedTest(name = "{0} tokenizer, chunks of {1} tokens")
  @CsvSource({"word, 1", "word, 7", "word, 32768", "whitespace, 5", "char, 13"})
  void countsAndTranslatedIdsAreThoseOfTheSinglePath(String tokenizerName, int chunkTokens) {
    Tokenizer tokenizer = tokenizer(tokenizerName);
    List<Utf8.Line> lines = lines();
    Map<String, Long> plainCounts = new HashMap<>();
    List<Integer> plainIds = new ArrayList<>();
    long bytes = 0;
    long invalid = 0;
    for (Utf8.Line l : lines) {
      for (String t : tokenizer.tokenize(l.text())) plainCounts.merge(t, 1L, Long::sum);
      bytes += l.bytes();
      invalid += l.invalidBytes();
    }
    assertEquals(2, invalid, "the fixture has invalid bytes");
    Vocabulary vocab = vocabulary(plainCounts, plainCounts.size() / 2);
    for (Utf8.Line l : lines) for (int id : vocab.encode(tokenizer.tokenize(l.text()))) plainIds.add(id);
    assertTrue(plainIds.contains(vocab.unkId()), "some tokens are out of vocabulary");

    Map<String, Long> counts = new HashMap<>();
    for (Iterator<Tuple2<String, Long>> it = TokenChunks.counts(TokenChunks.tokenize(lines.iterator(), tokenizer, chunkTokens));
        it.hasNext(); ) {
      Tuple2<String, Long> tc = it.next();
      assertEquals(null, counts.put(tc._1(), tc._2()), "one record per distinct token: " + tc._1());
    }
    assertEquals(plainCounts, counts);

    int[] expected = plainIds.stream().mapToInt(Integer::intValue).toArray();
    List<EncodedChunk> translated = new ArrayList<>();
    TokenChunks.translate(TokenChunks.tokenize(lines.iterator(), tokenizer, chunkTokens), vocab).forEachRemaining(translated::add);
    List<EncodedChunk> direct = new ArrayList<>();
    TokenChunks.encode(lines.iterator(), tokenizer, vocab, chunkTokens).forEachRemaining(direct::add);
    for (List<EncodedChunk> chunks : List.of(translated, direct)) {
      assertArrayEquals(expected, concat(chunks));
      assertEquals(lines.size(), chunks.stream().mapToLong(EncodedChunk::lines).sum());
      assertEquals(bytes, chunks.stream().mapToLong(EncodedChunk::bytes).sum());
      assertEquals(invalid, chunks.stream().mapToLong(EncodedChunk::invalidBytes).sum());
      // Whole lines only, and no chunk far beyond the size asked for (a line is not split).
      for (EncodedChunk c : chunks.subList(0, chunks.size() - 1)) assertTrue(c.ids().length >= chunkTokens);
    }
    assertEquals(translated.size(), direct.size());
    for (int i = 0; i < direct.size(); i++) assertEquals(direct.get(i).lines(), translated.get(i).lines(), "chunk " + i);
  }

  /** What does not fit in memory spills to disk through Kryo, with registration required. */
  @org.junit.jupiter.api.Test
  void chunksRoundTripThroughKryo() {
    var kryo = new org.apache.spark.serializer.KryoSerializer(dev.awdlm.testing.SparkExtension.testConf("local[1]")).newInstance();
    TokenizedChunk t = new TokenizedChunk(new String[] {"a", "<eos>"}, new int[] {0, 1, 0, 1}, 2, 7, 1);
    TokenizedChunk t2 = kryo.deserialize(kryo.serialize(t, tag(TokenizedChunk.class)), tag(TokenizedChunk.class));
    assertArrayEquals(t.newTokens(), t2.newTokens());
    assertArrayEquals(t.ids(), t2.ids());
    assertEquals(List.of(2, 7L, 1L), List.of(t2.lines(), t2.bytes(), t2.invalidBytes()));
    EncodedChunk e = new EncodedChunk(new int[] {3, 1, 4}, 1, 5, 0);
    EncodedChunk e2 = kryo.deserialize(kryo.serialize(e, tag(EncodedChunk.class)), tag(EncodedChunk.class));
    assertArrayEquals(e.ids(), e2.ids());
    assertEquals(List.of(1, 5L, 0L), List.of(e2.lines(), e2.bytes(), e2.invalidBytes()));
  }

  private static <T> scala.reflect.ClassTag<T> tag(Class<T> c) {
    return scala.reflect.ClassTag$.MODULE$.apply(c);
  }

  private static int[] concat(List<EncodedChunk> chunks) {
    return chunks.stream().flatMapToInt(c -> IntStream.of(c.ids())).toArray();
  }
}
