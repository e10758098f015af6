package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.awdlm.model.AwdLstmCore.Masks;
import dev.awdlm.model.AwdLstmCore.Pass;
import dev.awdlm.model.AwdLstmCore.State;
import dev.awdlm.testing.DoublePrecisionExtension;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The structure of AWD-LSTM's dropout masks, read off what a forward pass actually multiplied:
 * locked masks are per example and feature and shared over time, embedding dropout removes a
 * word everywhere it occurs, weight drop masks one recurrent matrix for the whole minibatch, and
 * all are inverted dropout (0 or 1/(1-p)) drawn afresh per minibatch from ND4J's seeded RNG.
 */
@ExtendWith(DoublePrecisionExtension.class)
class DropoutMaskTest {
  private static final DataType DOUBLE = DataType.DOUBLE;

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"dropouti", "dropouth", "dropout"})
  void lockedMaskIsPerExampleAndSharedOverTime(String knob) {
    double p = 0.4;
    int batch = 8;
    int steps = 5;
    // Three layers, so dropouth has two between-layer masks to check.
    AwdLstmSpec spec = AwdLstmNets.with(AwdLstmNets.spec(13, 10, 12, 3, false), knob, p);
    Nd4j.getRandom().setSeed(7);
    Map<String, INDArray> params = params(spec);
    int[] tokens = randomTokens(new Random(7), spec.vocab(), steps * batch);
    Masks masks = Masks.draw(spec, batch, DOUBLE);
    Pass pass = new AwdLstmCore(spec).forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), masks, null);

    // Where this dropout sits: the activations going in, those coming out, and the mask drawn for it.
    List<double[][]> before = new ArrayList<>();
    List<double[][]> after = new ArrayList<>();
    List<INDArray> drawn = new ArrayList<>();
    int top = spec.nlayers() - 1;
    switch (knob) {
      case "dropouti" -> {
        before.add(lookup(params, tokens));
        after.add(matrix(pass.inputs[0]));
        drawn.add(masks.input());
      }
      case "dropouth" -> {
        for (int l = 0; l < top; l++) {
          before.add(matrix(pass.outputs[l]));
          after.add(matrix(pass.inputs[l + 1]));
          drawn.add(masks.between()[l]);
        }
      }
      case "dropout" -> {
        before.add(matrix(pass.outputs[top]));
        after.add(matrix(pass.decoderInput));
        drawn.add(masks.output());
      }
      default -> throw new IllegalArgumentException(knob);
    }
    assertOnlyMasks(masks, knob);

    for (int k = 0; k < drawn.size(); k++) {
      assertNotNull(drawn.get(k), knob + " mask " + k);
      double[][] mask = matrix(drawn.get(k));
      int features = before.get(k)[0].length;
      assertEquals(batch, mask.length, "one mask row per example");
      assertEquals(features, mask[0].length, "one mask column per feature");
      assertInvertedDropout(mask, p, knob);

      // The multiplier each step actually applied, recovered from the activations alone.
      double[][] first = null;
      for (int t = 0; t < steps; t++) {
        double[][] applied = new double[batch][features];
        for (int b = 0; b < batch; b++) {
          for (int j = 0; j < features; j++) {
            double in = before.get(k)[t * batch + b][j];
            double out = after.get(k)[t * batch + b][j];
            // Inputs here are continuous random values; an exact zero would hide the multiplier.
            assertTrue(in != 0, "zero activation at step " + t);
            applied[b][j] = out / in;
            assertEquals(mask[b][j], applied[b][j], 1e-9, knob + " multiplier at t=" + t + " b=" + b + " j=" + j);
          }
        }
        if (first == null) first = applied;
        for (int b = 0; b < batch; b++) {
          for (int j = 0; j < features; j++) {
            assertEquals(first[b][j] == 0, applied[b][j] == 0, "zero pattern at step " + t + " differs from step 0");
          }
        }
      }

      Set<String> rows = new HashSet<>();
      for (double[] row : mask) rows.add(Arrays.toString(row));
      assertTrue(rows.size() > 1, "every example got the same " + knob + " mask");
    }
  }

  @Test
  void embeddingDropoutRemovesAWordEverywhere() {
    double p = 0.5;
    int batch = 6;
    int steps = 10;
    int vocab = 20;
    // Untied, so the embedding gradient comes only from the (masked) input side.
    AwdLstmSpec spec = AwdLstmNets.with(AwdLstmNets.spec(vocab, 8, 8, 1, false), "dropoute", p);
    Nd4j.getRandom().setSeed(21);
    Map<String, INDArray> params = params(spec);
    int n = steps * batch;
    // Every word three times: positions i, i+20, i+40 lie at different steps and, as 20 % 6 != 0, in different examples.
    int[] tokens = new int[n];
    for (int i = 0; i < n; i++) tokens[i] = i % vocab;
    int[] labels = randomTokens(new Random(21), vocab, n);
    Masks masks = Masks.draw(spec, batch, DOUBLE);
    assertOnlyMasks(masks, "dropoute");
    assertArrayEquals(new long[] {vocab, 1}, masks.rows().shape(), "one entry per vocabulary word");
    double[][] rowMask = matrix(masks.rows());
    assertInvertedDropout(rowMask, p, "dropoute");

    AwdLstmCore core = new AwdLstmCore(spec);
    Pass pass = core.forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), masks, labels);
    Map<String, INDArray> grads = zeros(spec);
    core.backward(params, pass, labels, grads);

    double[][] e = matrix(params.get(AwdLstmCore.EMBEDDING));
    double[][] x = matrix(pass.inputs[0]);
    double kept = 1 / (1 - p);
    int dropped = 0;
    for (int i = 0; i < n; i++) {
      int w = tokens[i];
      boolean keep = rowMask[w][0] != 0;
      for (int j = 0; j < spec.emsize(); j++) {
        double expected = keep ? e[w][j] * kept : 0;
        // p = 0.5 makes the scale 2, so the scaled row is exact and can be compared exactly.
        assertEquals(expected, x[i][j], 0.0, "word " + w + " at position " + i + " feature " + j);
      }
    }
    double[][] dE = matrix(grads.get(AwdLstmCore.EMBEDDING));
    for (int w = 0; w < vocab; w++) {
      boolean zeroRow = true;
      for (double v : dE[w]) zeroRow &= v == 0;
      if (rowMask[w][0] == 0) {
        dropped++;
        assertTrue(zeroRow, "dropped word " + w + " still gets an embedding gradient");
      } else {
        assertFalse(zeroRow, "kept word " + w + " gets no embedding gradient");
      }
    }
    assertTrue(dropped > 0 && dropped < vocab, "need both dropped and kept words, got " + dropped + " dropped");
  }

  @Test
  void weightDropMasksOnlyTheRecurrentMatrix() {
    double p = 0.5;
    int batch = 4;
    int steps = 5;
    // emsize == nhid, so W and R have the same shape and a mask pattern could be compared on both.
    AwdLstmSpec spec = AwdLstmNets.with(AwdLstmNets.spec(10, 6, 6, 2, false), "wdrop", p);
    Nd4j.getRandom().setSeed(33);
    Map<String, INDArray> params = params(spec);
    Random r = new Random(33);
    int[] tokens = randomTokens(r, spec.vocab(), steps * batch);
    int[] labels = randomTokens(r, spec.vocab(), steps * batch);
    Masks masks = Masks.draw(spec, batch, DOUBLE);
    assertOnlyMasks(masks, "wdrop");
    AwdLstmCore core = new AwdLstmCore(spec);
    Pass pass = core.forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), masks, labels);
    Map<String, INDArray> grads = zeros(spec);
    core.backward(params, pass, labels, grads);

    // The same network with R ⊙ mask baked into its parameters and no masks: if weight drop is one
    // matrix for every example and step, this is the same function, and its dR is dL/d(R ⊙ mask).
    Map<String, INDArray> baked = new LinkedHashMap<>();
    for (Map.Entry<String, INDArray> e : params.entrySet()) baked.put(e.getKey(), e.getValue().dup());
    for (int l = 0; l < spec.nlayers(); l++) {
      baked.get(AwdLstmCore.recurrentWeights(l)).muli(masks.weights()[l]);
    }
    Pass bakedPass = core.forward(baked, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), Masks.none(spec), labels);
    Map<String, INDArray> bakedGrads = zeros(spec);
    core.backward(baked, bakedPass, labels, bakedGrads);
    assertClose(matrix(bakedPass.probabilities()), matrix(pass.probabilities()), 1e-12, "probabilities");
    assertEquals(bakedPass.loss(), pass.loss(), 1e-12, "loss");

    for (int l = 0; l < spec.nlayers(); l++) {
      int hidden = spec.hiddenSize(l);
      assertArrayEquals(new long[] {hidden, 4L * hidden}, masks.weights()[l].shape(), "mask shape of layer " + l);
      double[][] mask = matrix(masks.weights()[l]);
      assertInvertedDropout(mask, p, "wdrop layer " + l);
      double[][] rParam = matrix(params.get(AwdLstmCore.recurrentWeights(l)));
      double[][] rUsed = matrix(pass.recurrent[l]);
      double[][] dR = matrix(grads.get(AwdLstmCore.recurrentWeights(l)));
      double[][] dRDropped = matrix(bakedGrads.get(AwdLstmCore.recurrentWeights(l)));
      double[][] dW = matrix(grads.get(AwdLstmCore.inputWeights(l)));
      int wNonZeroWhereMaskZero = 0;
      for (int j = 0; j < hidden; j++) {
        for (int k = 0; k < 4 * hidden; k++) {
          String at = "layer " + l + " [" + j + "," + k + "]";
          assertEquals(rParam[j][k] * mask[j][k], rUsed[j][k], 1e-15, "dropped R " + at);
          assertEquals(mask[j][k] * dRDropped[j][k], dR[j][k], 1e-12, "dR " + at);
          if (mask[j][k] == 0) {
            assertTrue(dR[j][k] == 0, "dR " + at + " must be exactly 0 where the weight is dropped");
            if (dW[j][k] != 0) wNonZeroWhereMaskZero++;
          } else {
            assertTrue(dR[j][k] != 0, "kept weight " + at + " gets no gradient");
          }
        }
      }
      assertTrue(wNonZeroWhereMaskZero > 0, "dW of layer " + l + " carries the weight-drop zero pattern");
      // Input weights and biases are never masked: their gradients equal the unmasked network's.
      assertClose(matrix(bakedGrads.get(AwdLstmCore.inputWeights(l))), dW, 1e-12, "dW" + l);
      assertClose(matrix(bakedGrads.get(AwdLstmCore.bias(l))), matrix(grads.get(AwdLstmCore.bias(l))), 1e-12, "db" + l);
    }
  }

  @Test
  void everyMinibatchDrawsFreshMasks() {
    AwdLstmSpec spec = new AwdLstmSpec(50, 8, 10, 3, 0.5, 0.5, 0.5, 0.5, 0.5, false, 0, 0);
    Nd4j.getRandom().setSeed(11);
    List<INDArray> first = all(Masks.draw(spec, 6, DOUBLE));
    List<INDArray> second = all(Masks.draw(spec, 6, DOUBLE));
    assertEquals(1 + 1 + 2 + 1 + 3, first.size(), "rows, input, between x2, output, weights x3");
    for (int i = 0; i < first.size(); i++) {
      assertNotNull(first.get(i));
      assertFalse(identical(first.get(i), second.get(i)), "mask " + i + " repeated in the next minibatch");
    }
  }

  @Test
  void masksPreserveTheExpectation() {
    double p = 0.4;
    Nd4j.getRandom().setSeed(3);
    checkExpectation(Dropouts.locked(2000, 500, p, DOUBLE), p, "locked");
    checkExpectation(Dropouts.rows(1_000_000, p, DOUBLE), p, "rows");
    checkExpectation(Dropouts.weights(1000, 1000, p, DOUBLE), p, "weights");
  }

  @Test
  void evaluationIsDeterministic() {
    AwdLstmSpec spec = new AwdLstmSpec(15, 6, 8, 2, 0.4, 0.3, 0.4, 0.1, 0.5, true, 2, 1);
    int batch = 3;
    int steps = 6;
    Nd4j.getRandom().setSeed(5);
    Map<String, INDArray> params = params(spec);
    int[] tokens = randomTokens(new Random(5), spec.vocab(), steps * batch);
    AwdLstmCore core = new AwdLstmCore(spec);
    Pass a = core.forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), Masks.none(spec), null);
    Pass b = core.forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), Masks.none(spec), null);
    assertTrue(identical(a.probabilities(), b.probabilities()), "Masks.none forward passes differ");

    MultiLayerNetwork net = AwdLstmNets.net(spec, DOUBLE, null, null, 42);
    INDArray in = AwdLstmNets.tokens(spec.vocab(), batch, steps, 1, DOUBLE);
    INDArray eval1 = net.output(in, false);
    INDArray eval2 = net.output(in, false);
    assertTrue(identical(eval1, eval2), "inference output changed between calls");
    // Training mode does draw masks; without this the check above could pass with dropout never applied.
    INDArray train1 = net.output(in, true);
    INDArray train2 = net.output(in, true);
    assertFalse(identical(train1, train2), "training-mode outputs should differ (fresh masks)");
    assertFalse(identical(eval1, train1), "training-mode output equals inference output");
  }

  @Test
  void zeroProbabilityIsNoDropout() {
    assertNull(Dropouts.locked(4, 5, 0, DOUBLE));
    assertNull(Dropouts.rows(10, 0, DOUBLE));
    assertNull(Dropouts.weights(5, 20, 0, DOUBLE));

    AwdLstmSpec spec = AwdLstmNets.spec(10, 6, 7, 3, true);
    int batch = 4;
    int steps = 3;
    Nd4j.getRandom().setSeed(9);
    Map<String, INDArray> params = params(spec);
    Random r = new Random(9);
    int[] tokens = randomTokens(r, spec.vocab(), steps * batch);
    int[] labels = randomTokens(r, spec.vocab(), steps * batch);
    Masks drawn = Masks.draw(spec, batch, DOUBLE);
    for (INDArray m : all(drawn)) assertNull(m, "a mask was drawn with every dropout at 0");

    AwdLstmCore core = new AwdLstmCore(spec);
    Pass withDraw = core.forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), drawn, labels);
    Pass withNone = core.forward(params, tokens, steps, batch, State.zeros(spec, batch, DOUBLE), Masks.none(spec), labels);
    assertEquals(withNone.loss(), withDraw.loss(), 0.0, "loss");
    Map<String, INDArray> g1 = zeros(spec);
    Map<String, INDArray> g2 = zeros(spec);
    core.backward(params, withDraw, labels, g1);
    core.backward(params, withNone, labels, g2);
    for (String name : g1.keySet()) assertTrue(identical(g2.get(name), g1.get(name)), "d" + name);
  }

  @Test
  void reseedingReproducesMasks() {
    AwdLstmSpec spec = new AwdLstmSpec(30, 8, 10, 2, 0.4, 0.3, 0.4, 0.1, 0.5, true, 0, 0);
    long seed = 1234;
    Nd4j.getRandom().setSeed(seed);
    List<INDArray> a = all(Masks.draw(spec, 5, DOUBLE));
    INDArray lockedA = Dropouts.locked(5, 7, 0.3, DOUBLE);
    Nd4j.getRandom().setSeed(seed);
    List<INDArray> b = all(Masks.draw(spec, 5, DOUBLE));
    INDArray lockedB = Dropouts.locked(5, 7, 0.3, DOUBLE);
    for (int i = 0; i < a.size(); i++) {
      assertNotNull(a.get(i));
      assertTrue(identical(a.get(i), b.get(i)), "mask " + i + " differs after reseeding");
    }
    assertTrue(identical(lockedA, lockedB), "Dropouts.locked differs after reseeding");

    // And the seed matters at all: another one gives other masks.
    Nd4j.getRandom().setSeed(seed + 1);
    List<INDArray> c = all(Masks.draw(spec, 5, DOUBLE));
    boolean anyDiffers = false;
    for (int i = 0; i < a.size(); i++) anyDiffers |= !identical(a.get(i), c.get(i));
    assertTrue(anyDiffers, "a different seed drew the same masks");
  }

  // --- helpers --------------------------------------------------------------------------------

  private static void checkExpectation(INDArray mask, double p, String what) {
    double[] v = mask.dup().data().asDouble();
    assertEquals(mask.length(), v.length);
    double kept = 1 / (1 - p);
    double sum = 0;
    long zeros = 0;
    for (double x : v) {
      if (x == 0) {
        zeros++;
      } else if (Math.abs(x - kept) > 1e-12) {
        fail(what + ": entry " + x + " is neither 0 nor 1/(1-p)");
      }
      sum += x;
    }
    assertEquals(1, sum / v.length, 0.01, what + " mean");
    assertEquals(p, (double) zeros / v.length, 0.01, what + " fraction dropped");
  }

  /** Every entry is exactly 0 or 1/(1-p), and both occur. */
  private static void assertInvertedDropout(double[][] mask, double p, String what) {
    double kept = 1 / (1 - p);
    int zeros = 0;
    int ones = 0;
    for (double[] row : mask) {
      for (double v : row) {
        if (v == 0) {
          zeros++;
        } else if (Math.abs(v - kept) <= 1e-12) {
          ones++;
        } else {
          fail(what + ": mask entry " + v + " is neither 0 nor 1/(1-p) = " + kept);
        }
      }
    }
    assertTrue(zeros > 0 && ones > 0, what + ": expected both dropped and kept entries, got " + zeros + " and " + ones);
  }

  /** Only the masks of this knob are present; the rest are null. */
  private static void assertOnlyMasks(Masks masks, String knob) {
    assertEquals(knob.equals("dropoute"), masks.rows() != null, "rows mask");
    assertEquals(knob.equals("dropouti"), masks.input() != null, "input mask");
    assertEquals(knob.equals("dropout"), masks.output() != null, "output mask");
    for (INDArray m : masks.between()) assertEquals(knob.equals("dropouth"), m != null, "between-layer mask");
    for (INDArray m : masks.weights()) assertEquals(knob.equals("wdrop"), m != null, "weight-drop mask");
  }

  private static List<INDArray> all(Masks m) {
    List<INDArray> list = new ArrayList<>();
    list.add(m.rows());
    list.add(m.input());
    list.addAll(Arrays.asList(m.between()));
    list.add(m.output());
    list.addAll(Arrays.asList(m.weights()));
    return list;
  }

  /** Same shape and bit-for-bit the same values (INDArray.equals allows 1e-5). */
  private static boolean identical(INDArray a, INDArray b) {
    if (!Arrays.equals(a.shape(), b.shape())) return false;
    double[] x = a.dup('c').data().asDouble();
    double[] y = b.dup('c').data().asDouble();
    return Arrays.equals(x, y);
  }

  private static void assertClose(double[][] expected, double[][] actual, double tol, String what) {
    assertEquals(expected.length, actual.length, what + " rows");
    for (int i = 0; i < expected.length; i++) {
      assertEquals(expected[i].length, actual[i].length, what + " columns");
      for (int j = 0; j < expected[i].length; j++) {
        if (!(Math.abs(expected[i][j] - actual[i][j]) <= tol)) {
          fail(what + "[" + i + "," + j + "]: expected " + expected[i][j] + " but was " + actual[i][j]);
        }
      }
    }
  }

  private static Map<String, INDArray> params(AwdLstmSpec spec) {
    Map<String, INDArray> params = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) {
      INDArray p = Nd4j.create(DOUBLE, e.getValue());
      spec.initialize(e.getKey(), p);
      params.put(e.getKey(), p);
    }
    return params;
  }

  private static Map<String, INDArray> zeros(AwdLstmSpec spec) {
    Map<String, INDArray> grads = new LinkedHashMap<>();
    for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) grads.put(e.getKey(), Nd4j.zeros(DOUBLE, e.getValue()));
    return grads;
  }

  private static int[] randomTokens(Random r, int vocab, int n) {
    int[] t = new int[n];
    for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
    return t;
  }

  /** The embedding rows of the tokens, before any dropout, {@code [N][emsize]}. */
  private static double[][] lookup(Map<String, INDArray> params, int[] tokens) {
    double[][] e = matrix(params.get(AwdLstmCore.EMBEDDING));
    double[][] x = new double[tokens.length][];
    for (int i = 0; i < tokens.length; i++) x[i] = e[tokens[i]].clone();
    return x;
  }

  private static double[][] matrix(INDArray a) {
    double[][] m = new double[(int) a.size(0)][(int) a.size(1)];
    for (int i = 0; i < m.length; i++) for (int j = 0; j < m[i].length; j++) m[i][j] = a.getDouble(i, j);
    return m;
  }
}
