package dev.awdlm.score;

/**
 * One record's result. The record is read after an {@code <eos>}, as a line follows another in
 * training, so each of its scored tokens is predicted, the first one included.
 *
 * @param tokens tokens in the whole record ({@code <eos>} markers included)
 * @param predictedTokens tokens scored: all of them, or the first {@code score.maxTokens}
 * @param oov tokens of the whole record outside the model's vocabulary (read as {@code <unk>})
 * @param nll summed negative log-likelihood of the scored tokens, in nats; null when none were scored
 * @param ppl {@code exp(nll / predictedTokens)}; null when none were scored
 * @param bitsPerToken {@code nll / predictedTokens / ln 2}; null when none were scored
 * @param truncated more tokens than {@code score.maxTokens}
 */
public record RecordScore(int tokens, int predictedTokens, int oov, Double nll, Double ppl, Double bitsPerToken,
    boolean truncated) {

  public static RecordScore of(int tokens, int predictedTokens, int oov, double nll) {
    if (predictedTokens == 0) return new RecordScore(tokens, 0, oov, null, null, null, false);
    double perToken = nll / predictedTokens;
    return new RecordScore(tokens, predictedTokens, oov, nll, Math.exp(perToken), perToken / Math.log(2),
        predictedTokens < tokens);
  }
}
