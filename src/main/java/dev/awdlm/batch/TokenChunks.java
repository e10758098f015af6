package dev.awdlm.batch;

import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Utf8;
import dev.awdlm.corpus.Vocabulary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import scala.Tuple2;

/**
 * One partition's lines turned into chunks of token ids, two ways. With a vocabulary at hand,
 * {@link #encode} looks every token up in it. When the vocabulary is still to be counted,
 * {@link #tokenize} interns the tokens into partition-local ids once; {@link #counts} then gives
 * the partition's counts for the vocabulary and {@link #translate} maps the local ids to
 * vocabulary ids, with one vocabulary lookup per distinct token of the partition. Tokenizing and
 * hashing each token are most of prepare's work, so train is tokenized once, not once to count and
 * once to encode. Both ways give the same ids in the same chunks.
 *
 * <p>Every function streams: a partition may be larger than memory (a gzip file is one partition),
 * so only one chunk and the partition's dictionary are held at a time.
 */
final class TokenChunks {
  /**
   * Tokens a chunk collects before it ends at the next line's end: large enough that Spark's
   * per-element costs vanish, small enough to be one of many in a partition.
   */
  static final int CHUNK_TOKENS = 1 << 15;

  private TokenChunks() {}

  /** Chunks of local ids; the partition's dictionary grows by each chunk's {@code newTokens}. */
  static Iterator<TokenizedChunk> tokenize(Iterator<Utf8.Line> lines, Tokenizer tokenizer, int chunkTokens) {
    Map<String, Integer> local = new HashMap<>();
    List<String> fresh = new ArrayList<>();
    return new Chunker<>(lines, chunkTokens) {
      @Override
      void add(String text, IntBuffer ids) {
        for (String token : tokenizer.tokenize(text)) {
          Integer id = local.get(token);
          if (id == null) {
            id = local.size();
            local.put(token, id);
            fresh.add(token);
          }
          ids.add(id);
        }
      }

      @Override
      TokenizedChunk chunk(int[] ids, int lines, long bytes, long invalidBytes) {
        String[] newTokens = fresh.toArray(String[]::new);
        fresh.clear();
        return new TokenizedChunk(newTokens, ids, lines, bytes, invalidBytes);
      }
    };
  }

  /** Chunks of vocabulary ids, every token looked up. */
  static Iterator<EncodedChunk> encode(Iterator<Utf8.Line> lines, Tokenizer tokenizer, Vocabulary vocab, int chunkTokens) {
    return new Chunker<>(lines, chunkTokens) {
      @Override
      void add(String text, IntBuffer ids) {
        for (int id : vocab.encode(tokenizer.tokenize(text))) ids.add(id);
      }

      @Override
      EncodedChunk chunk(int[] ids, int lines, long bytes, long invalidBytes) {
        return new EncodedChunk(ids, lines, bytes, invalidBytes);
      }
    };
  }

  /** The partition's count of each of its distinct tokens, one record per token. */
  static Iterator<Tuple2<String, Long>> counts(Iterator<TokenizedChunk> chunks) {
    List<String> tokens = new ArrayList<>();
    long[] counts = new long[1024];
    while (chunks.hasNext()) {
      TokenizedChunk c = chunks.next();
      tokens.addAll(Arrays.asList(c.newTokens()));
      if (tokens.size() > counts.length) counts = Arrays.copyOf(counts, Math.max(2 * counts.length, tokens.size()));
      for (int id : c.ids()) counts[id]++;
    }
    List<Tuple2<String, Long>> out = new ArrayList<>(tokens.size());
    for (int i = 0; i < tokens.size(); i++) out.add(new Tuple2<>(tokens.get(i), counts[i]));
    return out.iterator();
  }

  /** The partition's chunks with their local ids replaced by {@code vocab}'s ids. */
  static Iterator<EncodedChunk> translate(Iterator<TokenizedChunk> chunks, Vocabulary vocab) {
    return new Iterator<>() {
      private int[] toVocab = new int[1024]; // local id -> vocabulary id
      private int known;

      @Override
      public boolean hasNext() {
        return chunks.hasNext();
      }

      @Override
      public EncodedChunk next() {
        TokenizedChunk c = chunks.next();
        if (known + c.newTokens().length > toVocab.length) {
          toVocab = Arrays.copyOf(toVocab, Math.max(2 * toVocab.length, known + c.newTokens().length));
        }
        for (String token : c.newTokens()) toVocab[known++] = vocab.id(token);
        int[] local = c.ids();
        int[] ids = new int[local.length];
        for (int i = 0; i < ids.length; i++) ids[i] = toVocab[local[i]];
        return new EncodedChunk(ids, c.lines(), c.bytes(), c.invalidBytes());
      }
    };
  }

  /** A growable int array. */
  static final class IntBuffer {
    private int[] a = new int[1024];
    private int n;

    void add(int v) {
      if (n == a.length) a = Arrays.copyOf(a, 2 * n);
      a[n++] = v;
    }

    int size() {
      return n;
    }

    /** The contents, and empties the buffer. */
    int[] take() {
      int[] out = Arrays.copyOf(a, n);
      n = 0;
      return out;
    }
  }

  /**
   * Groups lines into chunks of whole lines that end at the first line end at or past
   * {@code chunkTokens} tokens; a partition's last chunk may be smaller. An empty partition has none.
   */
  private abstract static class Chunker<T> implements Iterator<T> {
    private final Iterator<Utf8.Line> lines;
    private final int chunkTokens;
    private final IntBuffer ids = new IntBuffer();

    Chunker(Iterator<Utf8.Line> lines, int chunkTokens) {
      this.lines = lines;
      this.chunkTokens = chunkTokens;
    }

    /** Appends the ids of one line's tokens. */
    abstract void add(String text, IntBuffer ids);

    abstract T chunk(int[] ids, int lines, long bytes, long invalidBytes);

    @Override
    public boolean hasNext() {
      return lines.hasNext();
    }

    @Override
    public T next() {
      if (!lines.hasNext()) throw new NoSuchElementException();
      int count = 0;
      long bytes = 0;
      long invalid = 0;
      while (lines.hasNext() && ids.size() < chunkTokens) {
        Utf8.Line line = lines.next();
        add(line.text(), ids);
        count++;
        bytes += line.bytes();
        invalid += line.invalidBytes();
      }
      return chunk(ids.take(), count, bytes, invalid);
    }
  }
}
