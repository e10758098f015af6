package dev.awdlm.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The promotion rule on hand-worked perplexities. */
class PromotionTest {
  @Test
  void theFirstChallengerIsPromoted() {
    Promotion p = Promotion.judge(null, 250, false, 0.01);
    assertEquals("first", p.verdict());
    assertNull(p.improvement());
  }

  @Test
  void aChallengerNeedsTheRelativeImprovementAtLeast() {
    // (200 - 190) / 200 = 0.05
    Promotion better = Promotion.judge(200.0, 190, false, 0.05);
    assertEquals("promoted", better.verdict(), "exactly the improvement asked for");
    assertEquals(0.05, better.improvement(), 1e-15);
    assertEquals("rejected", Promotion.judge(200.0, 190, false, 0.06).verdict(), "5% where 6% is asked");
    // Relative to the champion, not to the challenger: (100 - 99) / 100 = 0.01, while 1 / 99 > 0.0101.
    assertEquals("promoted", Promotion.judge(100.0, 99, false, 0.01).verdict());
    assertEquals("rejected", Promotion.judge(100.0, 99, false, 0.0101).verdict());
  }

  @Test
  void aWorseChallengerIsRejectedAndAnEqualOneMeetsAZeroThreshold() {
    Promotion worse = Promotion.judge(200.0, 220, false, 0);
    assertEquals("rejected", worse.verdict());
    assertEquals(-0.1, worse.improvement(), 1e-15);
    assertEquals("promoted", Promotion.judge(200.0, 200, false, 0).verdict(), "no worse, with nothing asked");
  }

  @Test
  void aDivergedChallengerIsRejectedWithOrWithoutAChampion() {
    assertEquals("rejected", Promotion.judge(null, Double.POSITIVE_INFINITY, true, 0.01).verdict());
    Promotion diverged = Promotion.judge(200.0, 150, true, 0.01);
    assertEquals("rejected", diverged.verdict(), "a better perplexity before it diverged does not count");
    assertEquals(0.25, diverged.improvement(), 1e-15);
  }
}
