package dev.awdlm.corpus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Counts train tokens on Spark and keeps the top {@code vocabSize}. Counts are exact longs and the
 * order is total, so the result is identical for any partitioning of the input.
 */
public final class VocabularyBuilder {
  private final int vocabSize;
  private final int minCount;

  /**
   * @param vocabSize total size including {@code <unk>} and {@code <eos>}; 0 = no limit
   * @param minCount tokens rarer than this become {@code <unk>}
   */
  public VocabularyBuilder(int vocabSize, int minCount) {
    this.vocabSize = vocabSize;
    this.minCount = minCount;
  }

  public Vocabulary build(JavaRDD<String> trainLines, Tokenizer tokenizer) {
    return fromCounts(trainLines.mapPartitionsToPair(lines -> countLocally(lines, tokenizer)));
  }

  /**
   * @param partitionCounts each partition's count of each of its distinct tokens: counted into a
   *     map per partition first, so the shuffle carries one record per distinct token per
   *     partition instead of one per token
   */
  public Vocabulary fromCounts(JavaPairRDD<String, Long> partitionCounts) {
    JavaPairRDD<String, Long> counts = partitionCounts.reduceByKey(Long::sum);
    // One job after the shuffle: each partition reports its totals and its own top K, which
    // contains every token of the global top K that lives in that partition.
    int limit = vocabSize == 0 ? Integer.MAX_VALUE : vocabSize - 2;
    int min = minCount;
    List<Summary> summaries = counts
        .mapPartitions(it -> List.of(Summary.of(it, limit, min)).iterator())
        .collect();
    long total = 0;
    long eos = 0;
    List<TokenCount> candidates = new ArrayList<>();
    for (Summary s : summaries) {
      total += s.total();
      eos += s.eos();
      candidates.addAll(s.top());
    }
    candidates.sort(Vocabulary.ORDER);
    List<TokenCount> kept = candidates.subList(0, Math.min(limit, candidates.size()));
    long keptTotal = kept.stream().mapToLong(TokenCount::count).sum();
    return Vocabulary.of(kept, eos, total - keptTotal - eos);
  }

  /** A partition's token total, its {@code <eos>} count, and its top candidates in {@link Vocabulary#ORDER}. */
  record Summary(long total, long eos, List<TokenCount> top) {
    static Summary of(Iterator<Tuple2<String, Long>> counts, int limit, int minCount) {
      long total = 0;
      long eos = 0;
      // A max-heap on ORDER's reverse keeps the best `limit` candidates seen so far.
      PriorityQueue<TokenCount> heap = new PriorityQueue<>(Vocabulary.ORDER.reversed());
      while (counts.hasNext()) {
        Tuple2<String, Long> tc = counts.next();
        total += tc._2();
        if (Vocabulary.EOS.equals(tc._1())) eos += tc._2();
        if (Vocabulary.isSpecial(tc._1()) || tc._2() < minCount) continue;
        TokenCount candidate = new TokenCount(tc._1(), tc._2());
        if (heap.size() < limit) heap.add(candidate);
        else if (Vocabulary.ORDER.compare(candidate, heap.peek()) < 0) {
          heap.poll();
          heap.add(candidate);
        }
      }
      return new Summary(total, eos, new ArrayList<>(heap));
    }
  }

  private static Iterator<Tuple2<String, Long>> countLocally(Iterator<String> lines, Tokenizer tokenizer) {
    Map<String, long[]> local = new HashMap<>();
    while (lines.hasNext()) {
      for (String token : tokenizer.tokenize(lines.next())) {
        long[] c = local.get(token);
        if (c == null) local.put(token, new long[] {1});
        else c[0]++;
      }
    }
    List<Tuple2<String, Long>> out = new ArrayList<>(local.size());
    for (Map.Entry<String, long[]> e : local.entrySet()) out.add(new Tuple2<>(e.getKey(), e.getValue()[0]));
    return out.iterator();
  }
}
