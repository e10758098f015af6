package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The overfitting check: the last epoch at least 10% above the curve's minimum. */
class OverfittingTest {
  @Test
  void aCurveThatEndsTenPercentAboveItsMinimumOverfitClearly() {
    Overfitting o = Overfitting.of(new double[] {200, 150, 120, 125, 132});
    assertEquals(3, o.bestEpoch());
    assertEquals(120, o.best());
    assertEquals(132, o.last());
    assertEquals(0.10, o.rise(), 1e-12);
    assertTrue(o.clear());
  }

  @Test
  void aRiseBelowTenPercentIsNotClear() {
    assertFalse(Overfitting.of(new double[] {200, 120, 131.9}).clear());
  }

  @Test
  void aSpikeThatComesBackDownIsNotOverfitting() {
    Overfitting o = Overfitting.of(new double[] {200, 120, 180, 121});
    assertEquals(2, o.bestEpoch());
    assertFalse(o.clear());
  }

  @Test
  void aCurveStillFallingHasNoRise() {
    Overfitting o = Overfitting.of(new double[] {200, 150, 120});
    assertEquals(3, o.bestEpoch());
    assertEquals(0, o.rise());
    assertFalse(o.clear());
  }
}
