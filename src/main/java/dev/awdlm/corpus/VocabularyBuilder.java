package dev.awdlm.corpus;

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

  public Vocabulary build(JavaRDD<String> trainTokens) {
    JavaPairRDD<String, Long> counts = trainTokens
        .mapToPair(t -> new Tuple2<>(t, 1L))
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
}
