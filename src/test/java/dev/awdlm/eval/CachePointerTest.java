package dev.awdlm.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The cache pointer against values worked out by hand (see each comment). */
class CachePointerTest {
  /** (1,0) was followed by 5, (0,1) by 7, (1,1) by 5. */
  private static CachePointer.Memory threePairs(int window) {
    CachePointer.Memory m = new CachePointer.Memory(window, 2);
    m.add(new float[] {1, 0}, 0, 5);
    m.add(new float[] {9, 0, 1}, 1, 7); // offset 1: the state is (0, 1)
    m.add(new float[] {1, 1}, 0, 5);
    return m;
  }

  @Test
  void attentionIsASoftmaxOfScaledDotProductsSummedPerNextToken() {
    // query (2,0), theta 0.5: theta*dots = 1, 0, 1 -> weights e, 1, e over tokens 5, 7, 5
    CachePointer.Memory m = threePairs(3);
    float[] q = {2, 0};
    assertEquals(2 * Math.E / (2 * Math.E + 1), CachePointer.pointerProbability(m, q, 0, 5, 0.5), 1e-15);
    assertEquals(0.8446375965030364, CachePointer.pointerProbability(m, q, 0, 5, 0.5), 1e-12);
    assertEquals(0.15536240349696362, CachePointer.pointerProbability(m, q, 0, 7, 0.5), 1e-12);
    assertEquals(0.0, CachePointer.pointerProbability(m, q, 0, 3, 0.5), "a token never seen in the window");
    assertEquals(2.0 / 3, CachePointer.pointerProbability(m, q, 0, 5, 0), 1e-15, "theta 0: uniform over the window");
  }

  @Test
  void theMixtureWeighsPointerAgainstVocabulary() {
    // lambda 0.25, p_vocab(5) = 0.1: -log(0.75 * 0.1 + 0.25 * 0.84463...) = 1.25120...
    assertEquals(1.2512062838177591, CachePointer.mixedNll(Math.log(0.1), 0.8446375965030364, 0.25), 1e-12);
    assertEquals(-Math.log(0.1), CachePointer.mixedNll(Math.log(0.1), 0, 1e-300), 1e-12, "a token the cache never saw");
  }

  @Test
  void lambdaZeroIsExactlyThePlainNll() {
    for (double logp : new double[] {-0.1, -3.3333, -17.25, Math.log(1e-30)}) {
      assertEquals(-logp, CachePointer.mixedNll(logp, 0.9, 0), 0.0);
    }
  }

  @Test
  void aFullWindowForgetsTheOldestPair() {
    // window 2 keeps (0,1)->7 and (1,1)->5; query (2,0), theta 0.5: weights 1, e
    CachePointer.Memory m = threePairs(2);
    assertEquals(2, m.size());
    assertEquals(Math.E / (Math.E + 1), CachePointer.pointerProbability(m, new float[] {2, 0}, 0, 5, 0.5), 1e-15);
    assertEquals(0.7310585786300049, CachePointer.pointerProbability(m, new float[] {2, 0}, 0, 5, 0.5), 1e-12);
  }

  @Test
  void anEmptyMemoryGivesThePointerNoMass() {
    CachePointer.Memory m = new CachePointer.Memory(4, 2);
    assertEquals(0.0, CachePointer.pointerProbability(m, new float[] {1, 1}, 0, 5, 1));
  }

  @Test
  void aGridScoresEverySettingInOnePassAndRemembersEachToken() {
    double[] thetas = {0, 0.5};
    double[] lambdas = {0, 0.25};
    CachePointer.Grid grid = new CachePointer.Grid(thetas, lambdas);
    CachePointer.Memory m = threePairs(3);
    grid.score(m, new float[] {2, 0}, 0, 5, Math.log(0.1));
    assertEquals(1, grid.tokens());
    assertEquals(-Math.log(0.1), grid.at(0, 0).totalNll(), 0.0);
    assertEquals(-Math.log(0.1), grid.at(1, 0).totalNll(), 0.0);
    assertEquals(-Math.log(0.75 * 0.1 + 0.25 * 2.0 / 3), grid.at(0, 1).totalNll(), 1e-12);
    assertEquals(1.2512062838177591, grid.at(1, 1).totalNll(), 1e-12);
    assertArrayEquals(new int[] {1, 1}, grid.best());
    // the scored step joined the memory: window 3 now holds (0,1)->7, (1,1)->5, (2,0)->5
    assertEquals(3, m.size());
    assertEquals(0.0, CachePointer.pointerProbability(m, new float[] {0, 0}, 0, 9, 1));
    assertEquals(2.0 / 3, CachePointer.pointerProbability(m, new float[] {0, 0}, 0, 5, 1), 1e-15);
  }

  @Test
  void gridsFromSeparateChunksAddUp() {
    CachePointer.Grid a = new CachePointer.Grid(new double[] {1}, new double[] {0.5});
    CachePointer.Grid b = new CachePointer.Grid(new double[] {1}, new double[] {0.5});
    a.score(threePairs(3), new float[] {1, 0}, 0, 7, Math.log(0.2));
    b.score(threePairs(3), new float[] {0, 1}, 0, 7, Math.log(0.3));
    b.score(threePairs(3), new float[] {0, 1}, 0, 5, Math.log(0.4));
    CachePointer.Grid sum = a.plus(b);
    assertEquals(3, sum.tokens());
    assertEquals(a.at(0, 0).totalNll() + b.at(0, 0).totalNll(), sum.at(0, 0).totalNll(), 0.0);
  }
}
