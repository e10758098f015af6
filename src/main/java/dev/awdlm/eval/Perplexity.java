package dev.awdlm.eval;

/**
 * Summed negative log-likelihood (natural log) over {@code tokens} predictions. Sums, not means,
 * so partial results from several chunks combine exactly.
 */
public record Perplexity(double totalNll, long tokens) {

  public Perplexity plus(Perplexity other) {
    return new Perplexity(totalNll + other.totalNll, tokens + other.tokens);
  }

  public double meanNll() {
    return totalNll / tokens;
  }

  public double perplexity() {
    return Math.exp(meanNll());
  }
}
