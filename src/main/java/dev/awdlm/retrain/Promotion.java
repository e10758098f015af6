package dev.awdlm.retrain;

/**
 * The promotion rule: a challenger replaces the champion only if its validation perplexity is
 * better by at least {@code retrain.minImprovement}, relative to the champion's:
 * {@code (champion - challenger) / champion >= minImprovement}. The first challenger (no champion
 * yet) is promoted; one whose training diverged has no model and is rejected, champion or not.
 *
 * @param verdict {@code first}, {@code promoted} or {@code rejected} (a {@link Decision}'s)
 * @param improvement {@code (champion - challenger) / champion}; null without a champion
 */
record Promotion(String verdict, Double improvement) {

  /**
   * @param championPpl the champion's validation perplexity on the challenger's held-out split; null for none
   * @param challengerPpl the challenger's (the last one its training reached, when it diverged)
   */
  static Promotion judge(Double championPpl, double challengerPpl, boolean diverged, double minImprovement) {
    Double improvement = championPpl == null ? null : (championPpl - challengerPpl) / championPpl;
    if (diverged) return new Promotion("rejected", improvement);
    if (improvement == null) return new Promotion("first", null);
    return new Promotion(improvement >= minImprovement ? "promoted" : "rejected", improvement);
  }
}
