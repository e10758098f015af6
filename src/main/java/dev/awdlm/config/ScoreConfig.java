package dev.awdlm.config;

/**
 * Scoring records with a saved model ({@code awdlm score}, {@code LanguageModelScorer}).
 *
 * @param maxTokens a longer record is scored on its first {@code maxTokens} tokens and flagged truncated
 * @param batchSize records of similar length scored together in one forward pass
 * @param partitions minimum input partitions; 0 = four times Spark's default parallelism
 */
public record ScoreConfig(int maxTokens, int batchSize, int partitions) {
  public ScoreConfig {
    Check.positive("score.maxTokens", maxTokens);
    Check.positive("score.batchSize", batchSize);
    Check.nonNegative("score.partitions", partitions);
  }
}
