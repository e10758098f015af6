package dev.awdlm.notebooks;

import java.util.Arrays;

/**
 * The notebooks' rule for calling a difference: one perplexity per seed for a baseline and for
 * another setting, and the gap between their means counts only when it is larger than the seeds'
 * own spread, the largest range of either setting's seeds. With one seed on either side there is
 * no spread to judge against, so nothing is called.
 */
record SeedComparison(double[] baseline, double[] other) {
  SeedComparison {
    if (baseline.length == 0 || other.length == 0) throw new IllegalArgumentException("no seeds to compare");
    baseline = baseline.clone();
    other = other.clone();
  }

  /** What a part of a recipe is worth, judged by the perplexity of the recipe without it ({@code other}). */
  enum Verdict {
    PAYS("pays"),
    /** The gap is within the seeds' spread, whichever way it points: no verdict either way. */
    NOT_SHOWN("not shown at this budget: the gap is within the seeds' spread"),
    /** Leaving the part out is better by more than the spread. */
    DOES_NOT_PAY("does not pay on this corpus at this budget"),
    NOT_JUDGED("not judged: one seed, so no spread to judge the margin against");

    final String text;

    Verdict(String text) {
      this.text = text;
    }
  }

  static double mean(double[] values) {
    return Arrays.stream(values).average().orElseThrow();
  }

  static double range(double[] values) {
    return Arrays.stream(values).max().orElseThrow() - Arrays.stream(values).min().orElseThrow();
  }

  /** mean(other) - mean(baseline): positive when the other setting's perplexity is higher (worse). */
  double difference() {
    return mean(other) - mean(baseline);
  }

  double relativeDifference() {
    return difference() / mean(baseline);
  }

  double spread() {
    return Math.max(range(baseline), range(other));
  }

  boolean judged() {
    return baseline.length >= 2 && other.length >= 2;
  }

  /** The other setting is worse by more than the spread. */
  boolean otherWorse() {
    return judged() && difference() > spread();
  }

  /** The other setting is better by more than the spread. */
  boolean otherBetter() {
    return judged() && -difference() > spread();
  }

  /** With the baseline the full recipe and {@code other} the recipe without one part: whether the part pays. */
  Verdict partVerdict() {
    if (!judged()) return Verdict.NOT_JUDGED;
    if (otherWorse()) return Verdict.PAYS;
    return otherBetter() ? Verdict.DOES_NOT_PAY : Verdict.NOT_SHOWN;
  }
}
