package dev.awdlm.corpus;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Token ↔ id mapping. Ids are ordered by descending train count, ties by token (String.compareTo, i.e. UTF-16 code unit order),
 * so the same corpus always gives the same ids. {@link #UNK} and {@link #EOS} are always present.
 */
public final class Vocabulary implements Serializable {
  private static final long serialVersionUID = 1L;
  public static final String UNK = "<unk>";
  public static final String EOS = "<eos>";

  /** Most frequent first; equal counts by token. Serializable because Spark's takeOrdered ships it. */
  public static final Comparator<TokenCount> ORDER = new TokenCount.ByFrequency();

  private final String[] tokens;
  private final long[] counts;
  /**
   * Token to id, built on first use: Kryo (Spark's serializer here) runs no constructor and skips
   * transient fields, so a deserialized copy starts without it. Volatile, because task threads
   * share one broadcast copy: without it a thread may see the map's reference before its entries.
   */
  private transient volatile Map<String, Integer> index;

  private Vocabulary(List<TokenCount> entries) {
    this.tokens = entries.stream().map(TokenCount::token).toArray(String[]::new);
    this.counts = entries.stream().mapToLong(TokenCount::count).toArray();
  }

  /**
   * Chooses the vocabulary from train counts.
   *
   * @param kept the most frequent non-special tokens, already limited to at most {@code vocabSize - 2}
   * @param eosCount train count of {@code <eos>}
   * @param unkCount train count of literal {@code <unk>} tokens plus every token left out
   */
  public static Vocabulary of(List<TokenCount> kept, long eosCount, long unkCount) {
    List<TokenCount> entries = new ArrayList<>(kept.size() + 2);
    for (TokenCount tc : kept) {
      if (isSpecial(tc.token())) throw new IllegalArgumentException("special token among kept: " + tc.token());
      entries.add(tc);
    }
    entries.add(new TokenCount(EOS, eosCount));
    entries.add(new TokenCount(UNK, unkCount));
    entries.sort(ORDER);
    return new Vocabulary(entries);
  }

  public static boolean isSpecial(String token) {
    return UNK.equals(token) || EOS.equals(token);
  }

  public int size() {
    return tokens.length;
  }

  /** The id of {@code token}, or of {@code <unk>} when it is out of vocabulary. */
  public int id(String token) {
    Integer id = index().get(token);
    return id != null ? id : index().get(UNK);
  }

  /** Ids of {@code tokens}, {@code <unk>} for those out of vocabulary. */
  public int[] encode(List<String> tokens) {
    Map<String, Integer> ids = index();
    int unk = ids.get(UNK);
    int[] out = new int[tokens.size()];
    for (int i = 0; i < out.length; i++) {
      Integer id = ids.get(tokens.get(i));
      out[i] = id != null ? id : unk;
    }
    return out;
  }

  public boolean contains(String token) {
    return index().containsKey(token);
  }

  public int unkId() {
    return index().get(UNK);
  }

  public String token(int id) {
    return tokens[id];
  }

  public long count(int id) {
    return counts[id];
  }

  private Map<String, Integer> index() {
    Map<String, Integer> m = index; // one volatile read per call
    if (m == null) {
      // Threads that race here each build an equal map and publish it only once it is complete.
      m = new HashMap<>(tokens.length * 2);
      for (int i = 0; i < tokens.length; i++) m.put(tokens[i], i);
      index = m;
    }
    return m;
  }

  /** {@code id<TAB>token<TAB>count} lines, one per id, newline-terminated. */
  public String toTsv() {
    StringBuilder sb = new StringBuilder(tokens.length * 16);
    for (int i = 0; i < tokens.length; i++) sb.append(i).append('\t').append(tokens[i]).append('\t').append(counts[i]).append('\n');
    return sb.toString();
  }

  /**
   * Parses {@link #toTsv()} output.
   *
   * @param source named in errors (the file's path)
   */
  public static Vocabulary parseTsv(String text, String source) {
    List<TokenCount> entries = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].isEmpty() && i == lines.length - 1) break;
      String[] f = lines[i].split("\t", -1);
      try {
        if (f.length != 3 || Integer.parseInt(f[0]) != entries.size() || f[1].isEmpty()) throw new NumberFormatException();
        entries.add(new TokenCount(f[1], Long.parseLong(f[2])));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(source + ": line " + (i + 1) + " is not 'id<TAB>token<TAB>count' with id " + entries.size() + ": " + lines[i]);
      }
    }
    Vocabulary v = new Vocabulary(entries);
    if (v.index().size() != entries.size()) throw new IllegalArgumentException(source + ": duplicate tokens");
    if (!v.contains(UNK) || !v.contains(EOS)) throw new IllegalArgumentException(source + ": " + UNK + " and " + EOS + " must be in the vocabulary");
    return v;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Vocabulary v && Arrays.equals(tokens, v.tokens) && Arrays.equals(counts, v.counts);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(tokens);
  }
}
