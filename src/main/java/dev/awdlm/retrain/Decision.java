package dev.awdlm.retrain;

/**
 * A retrain's outcome: {@code decision.json} in its run and its line in {@code history.jsonl}.
 *
 * @param decision {@code promoted} (better by at least minImprovement), {@code first} (no champion
 *     yet), {@code rejected}, or {@code superseded} (it would have been promoted, but another run was
 *     promoted after it had compared itself with the champion of its time)
 * @param championBefore the champion's run id when the retrain started (null for the first)
 * @param challengerValPpl the challenger's perplexity on the held-out split
 * @param championValPpl the champion's perplexity on the same split (null for the first)
 * @param improvement {@code (champion - challenger) / champion} (null for the first)
 * @param vocabulary {@code champion} (encoded with the champion's vocabulary, warm start) or
 *     {@code rebuilt} (--rebuild-vocab or first run: trained from scratch)
 * @param oovRate share of the snapshot's train tokens outside the vocabulary
 */
public record Decision(String runId, String finishedAt, String decision, String championBefore, double challengerValPpl,
    Double championValPpl, Double improvement, double minImprovement, String vocabulary, double oovRate,
    double testPpl, String report, String gitCommit) {

  /** The verdicts that make the challenger the champion. */
  public boolean promoted() {
    return "promoted".equals(decision) || "first".equals(decision);
  }

  /** This decision, overtaken: another challenger became the champion before this one's was recorded. */
  public Decision superseded() {
    return new Decision(runId, finishedAt, "superseded", championBefore, challengerValPpl, championValPpl, improvement,
        minImprovement, vocabulary, oovRate, testPpl, report, gitCommit);
  }
}
