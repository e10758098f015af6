package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.notebooks.SeedComparison.Verdict;
import org.junit.jupiter.api.Test;

/** The verdict rule: the gap of the means against the larger range of the two settings' seeds. */
class SeedComparisonTest {
  @Test
  void aGapLargerThanTheSpreadIsCalled() {
    SeedComparison c = new SeedComparison(new double[] {100, 102}, new double[] {105, 106});
    assertEquals(4.5, c.difference(), 1e-12);
    assertEquals(2, c.spread(), 1e-12, "the full recipe's seeds are the wider");
    assertTrue(c.otherWorse());
    assertFalse(c.otherBetter());
    assertEquals(Verdict.PAYS, c.partVerdict());
  }

  @Test
  void aGapWithinTheSpreadIsNot() {
    SeedComparison c = new SeedComparison(new double[] {100, 101}, new double[] {100, 104});
    assertEquals(1.5, c.difference(), 1e-12);
    assertEquals(4, c.spread(), 1e-12, "the other setting's seeds are the wider");
    assertFalse(c.otherWorse());
    assertEquals(Verdict.NOT_SHOWN, c.partVerdict(), "a gap in the part's favour but within the spread is no verdict either way");
  }

  @Test
  void aPartThatHurtsDoesNotPay() {
    SeedComparison c = new SeedComparison(new double[] {100, 101}, new double[] {95, 96});
    assertTrue(c.otherBetter());
    assertEquals(Verdict.DOES_NOT_PAY, c.partVerdict());
    assertEquals(-5 / 100.5, c.relativeDifference(), 1e-12);
  }

  @Test
  void aGapEqualToTheSpreadIsNotCalled() {
    assertEquals(Verdict.NOT_SHOWN, new SeedComparison(new double[] {100, 102}, new double[] {102, 104}).partVerdict());
  }

  @Test
  void oneSeedOnEitherSideJudgesNothing() {
    SeedComparison c = new SeedComparison(new double[] {100}, new double[] {150, 151});
    assertFalse(c.judged());
    assertFalse(c.otherWorse());
    assertEquals(Verdict.NOT_JUDGED, c.partVerdict());
    assertEquals(Verdict.NOT_JUDGED, new SeedComparison(new double[] {100, 101}, new double[] {150}).partVerdict());
  }
}
