package dev.awdlm.corpus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
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
    // Each partition counts into its own map first: one shuffle record per distinct token per
    // partition instead of one per token.
    JavaPairRDD<String, Long> counts = trainLines
        .mapPartitionsToPair(lines -> countLocally(lines, tokenizer))
        .reduceByKey(Long::sum)
        .cache();
    try {
      Map<String, Long> special = counts.filter(tc -> Vocabulary.isSpecial(tc._1())).collectAsMap();
      long total = counts.values().fold(0L, Long::sum);
      int min = minCount;
      JavaRDD<TokenCount> candidates = counts
          .filter(tc -> !Vocabulary.isSpecial(tc._1()) && tc._2() >= min)
          .map(tc -> new TokenCount(tc._1(), tc._2()));
      List<TokenCount> kept = vocabSize == 0
          ? candidates.takeOrdered(Integer.MAX_VALUE, Vocabulary.ORDER)
          : candidates.takeOrdered(vocabSize - 2, Vocabulary.ORDER);
      long eos = special.getOrDefault(Vocabulary.EOS, 0L);
      long keptTotal = kept.stream().mapToLong(TokenCount::count).sum();
      return Vocabulary.of(kept, eos, total - keptTotal - eos);
    } finally {
      counts.unpersist(false);
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
