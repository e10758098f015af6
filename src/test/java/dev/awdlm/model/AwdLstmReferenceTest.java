package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.awdlm.model.AwdLstmCore.Masks;
import dev.awdlm.model.AwdLstmCore.Pass;
import dev.awdlm.model.AwdLstmCore.State;
import dev.awdlm.testing.DoublePrecisionExtension;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * With no dropout, {@link AwdLstmCore} must agree with a naive AWD-LSTM written here in plain
 * double loops: same loss, probabilities, final state and analytic gradient of every parameter.
 * The reference shares nothing with the core but the parameter values, so a wrong gate order, a
 * transposed matrix, a missing state carry or a dropped gradient term shows up as a mismatch.
 */
@ExtendWith(DoublePrecisionExtension.class)
class AwdLstmReferenceTest {

  @Test
  void tiedTwoLayersMatchReference() {
    // Tied: the last layer is emsize wide, so the layers differ in size (6 then 5).
    compare(AwdLstmNets.spec(11, 5, 6, 2, true), 3, 4, 101);
  }

  @Test
  void untiedThreeLayersMatchReference() {
    // Untied with emsize != nhid, so a transposed W0 or D cannot line up by accident.
    compare(AwdLstmNets.spec(9, 4, 5, 3, false), 2, 5, 202);
  }

  @ParameterizedTest(name = "tied={0}")
  @ValueSource(booleans = {true, false})
  void arAndTarAddExactlyTheirPenalties(boolean tied) {
    AwdLstmSpec plain = AwdLstmNets.spec(8, 5, 6, 2, tied);
    AwdLstmSpec regularised = AwdLstmNets.with(AwdLstmNets.with(plain, "alpha", 2), "beta", 1);
    int batch = 3;
    int steps = 4;
    Case c = new Case(regularised, batch, steps, 303);

    Pass plainPass = new AwdLstmCore(plain).forward(c.params, c.tokens, steps, batch, c.initial, Masks.none(plain), c.labels);
    Pass penalised = new AwdLstmCore(regularised).forward(c.params, c.tokens, steps, batch, c.initial, Masks.none(regularised), c.labels);

    // AR and TAR by their definitions, on the reference's own top-layer output.
    double[][] top = c.reference.h[regularised.nlayers() - 1];
    int hidden = regularised.hiddenSize(regularised.nlayers() - 1);
    double squares = 0;
    for (double[] row : top) for (double v : row) squares += v * v;
    double ar = regularised.alpha() * squares / ((double) steps * batch * hidden);
    double diffs = 0;
    for (int t = 1; t < steps; t++) {
      for (int b = 0; b < batch; b++) {
        for (int j = 0; j < hidden; j++) {
          double d = top[t * batch + b][j] - top[(t - 1) * batch + b][j];
          diffs += d * d;
        }
      }
    }
    double tar = regularised.beta() * diffs / ((double) (steps - 1) * batch * hidden);
    assertTrue(ar > 1e-6 && tar > 1e-6, "penalties too small to test: AR=" + ar + " TAR=" + tar);

    assertEquals(ar, penalised.ar(), 1e-9, "AR");
    assertEquals(tar, penalised.tar(), 1e-9, "TAR");
    assertEquals(plainPass.loss() + ar + tar, penalised.loss(), 1e-9, "loss with AR and TAR");
    assertEquals(plainPass.nllSum(), penalised.nllSum(), 1e-12, "AR and TAR must not change the NLL");

    // Their gradients too: the reference adds both penalties' derivatives to dL/dh_top.
    c.checkAgainstReference(penalised);
  }

  private static void compare(AwdLstmSpec spec, int batch, int steps, long seed) {
    Case c = new Case(spec, batch, steps, seed);
    Pass pass = new AwdLstmCore(spec).forward(c.params, c.tokens, steps, batch, c.initial, Masks.none(spec), c.labels);
    c.checkAgainstReference(pass);
  }

  /** One set of parameters, data and initial state, with the reference already run on them. */
  private static final class Case {
    final AwdLstmSpec spec;
    final int batch;
    final int steps;
    final Map<String, INDArray> params = new LinkedHashMap<>();
    final int[] tokens;
    final int[] labels;
    final State initial;
    final Reference reference;

    Case(AwdLstmSpec spec, int batch, int steps, long seed) {
      this.spec = spec;
      this.batch = batch;
      this.steps = steps;
      Nd4j.getRandom().setSeed(seed);
      for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) {
        INDArray p = Nd4j.create(DataType.DOUBLE, e.getValue());
        spec.initialize(e.getKey(), p);
        params.put(e.getKey(), p);
      }
      Random r = new Random(seed);
      // The decoder bias starts at zero; give it values so a misplaced bias would change the loss.
      INDArray bd = params.get(AwdLstmCore.DECODER_BIAS);
      for (int v = 0; v < spec.vocab(); v++) bd.putScalar(0, v, r.nextDouble() - 0.5);

      int n = steps * batch;
      tokens = new int[n];
      labels = new int[n];
      for (int i = 0; i < n; i++) {
        tokens[i] = r.nextInt(spec.vocab());
        labels[i] = r.nextInt(spec.vocab());
      }
      // A repeated token, so the embedding gradient has to accumulate over positions.
      tokens[n - 1] = tokens[0];

      // A non-zero starting state, as in the middle of a TBPTT stream, so h0 and c0 matter.
      double[][][] h0 = new double[spec.nlayers()][][];
      double[][][] c0 = new double[spec.nlayers()][][];
      INDArray[] h = new INDArray[spec.nlayers()];
      INDArray[] cs = new INDArray[spec.nlayers()];
      for (int l = 0; l < spec.nlayers(); l++) {
        h0[l] = uniform(r, batch, spec.hiddenSize(l), 0.5);
        c0[l] = uniform(r, batch, spec.hiddenSize(l), 0.5);
        h[l] = Nd4j.createFromArray(copy(h0[l]));
        cs[l] = Nd4j.createFromArray(copy(c0[l]));
      }
      initial = new State(h, cs);

      // Copied before the core runs, so the reference cannot see anything the core writes.
      Map<String, double[][]> values = new HashMap<>();
      for (Map.Entry<String, INDArray> e : params.entrySet()) values.put(e.getKey(), matrix(e.getValue()));
      reference = new Reference(spec, values, tokens, labels, steps, batch, h0, c0);
    }

    void checkAgainstReference(Pass pass) {
      int n = steps * batch;
      assertEquals(reference.nll, pass.nllSum(), 1e-6 * n, "NLL sum");
      assertEquals(reference.loss, pass.loss(), 1e-6, "loss");
      assertMatrixClose(reference.probabilities, pass.probabilities(), "probabilities");
      for (int l = 0; l < spec.nlayers(); l++) {
        double[][] h = reference.h[l];
        double[][] c = reference.c[l];
        double[][] lastH = new double[batch][];
        double[][] lastC = new double[batch][];
        for (int b = 0; b < batch; b++) {
          lastH[b] = h[(steps - 1) * batch + b];
          lastC[b] = c[(steps - 1) * batch + b];
        }
        assertMatrixClose(lastH, pass.last().h()[l], "last h of layer " + l);
        assertMatrixClose(lastC, pass.last().c()[l], "last c of layer " + l);
      }

      Map<String, INDArray> grads = new LinkedHashMap<>();
      for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) {
        grads.put(e.getKey(), Nd4j.zeros(DataType.DOUBLE, e.getValue()));
      }
      new AwdLstmCore(spec).backward(params, pass, labels, grads);
      assertEquals(reference.grads.keySet(), grads.keySet(), "parameters with a gradient");
      for (String name : grads.keySet()) assertMatrixClose(reference.grads.get(name), grads.get(name), "d" + name);
    }
  }

  /**
   * Entry-wise within 1e-6, relative to the entry when it is large and otherwise to the largest
   * entry of the expected matrix (so a parameter whose gradient is all tiny is not compared
   * against a tolerance bigger than the gradient itself).
   */
  private static void assertMatrixClose(double[][] expected, INDArray actual, String what) {
    assertEquals(2, actual.rank(), what + " rank");
    assertEquals(expected.length, actual.size(0), what + " rows");
    assertEquals(expected[0].length, actual.size(1), what + " columns");
    double scale = 0;
    for (double[] row : expected) for (double v : row) scale = Math.max(scale, Math.abs(v));
    for (int i = 0; i < expected.length; i++) {
      for (int j = 0; j < expected[i].length; j++) {
        double e = expected[i][j];
        double a = actual.getDouble(i, j);
        double tol = 1e-6 * Math.max(Math.abs(e), Math.min(1, scale)) + 1e-13;
        if (!(Math.abs(e - a) <= tol)) {
          fail(what + "[" + i + "," + j + "]: expected " + e + " but was " + a + " (largest |expected| " + scale + ")");
        }
      }
    }
  }

  private static double[][] matrix(INDArray a) {
    double[][] m = new double[(int) a.size(0)][(int) a.size(1)];
    for (int i = 0; i < m.length; i++) for (int j = 0; j < m[i].length; j++) m[i][j] = a.getDouble(i, j);
    return m;
  }

  private static double[][] uniform(Random r, int rows, int cols, double a) {
    double[][] m = new double[rows][cols];
    for (double[] row : m) for (int j = 0; j < cols; j++) row[j] = (2 * r.nextDouble() - 1) * a;
    return m;
  }

  private static double[][] copy(double[][] m) {
    double[][] c = new double[m.length][];
    for (int i = 0; i < m.length; i++) c[i] = m[i].clone();
    return c;
  }

  /**
   * AWD-LSTM without dropout, one scalar at a time: embedding, stacked LSTMs (gates i, f, o, g),
   * decoder, mean NLL + AR + TAR, then backpropagation through time by the chain rule.
   */
  private static final class Reference {
    final AwdLstmSpec spec;
    final Map<String, double[][]> p;
    final int[] tokens;
    final int[] labels;
    final int steps;
    final int batch;
    final int n;
    final int layers;
    final double[][][] h0;
    final double[][][] c0;
    final double[][][] x; // input of each layer, [N][in]
    final double[][][] gates; // activated i, f, o, g, [N][4H]
    final double[][][] c; // [N][H]
    final double[][][] h; // [N][H]
    final double[][] probabilities;
    double nll;
    double loss;
    final Map<String, double[][]> grads = new HashMap<>();

    Reference(AwdLstmSpec spec, Map<String, double[][]> p, int[] tokens, int[] labels, int steps, int batch,
        double[][][] h0, double[][][] c0) {
      this.spec = spec;
      this.p = p;
      this.tokens = tokens;
      this.labels = labels;
      this.steps = steps;
      this.batch = batch;
      this.n = steps * batch;
      this.layers = spec.nlayers();
      this.h0 = h0;
      this.c0 = c0;
      x = new double[layers][][];
      gates = new double[layers][][];
      c = new double[layers][][];
      h = new double[layers][][];
      probabilities = new double[n][spec.vocab()];
      forward();
      backward();
    }

    private double[] previousH(int l, int t, int b) {
      return t == 0 ? h0[l][b] : h[l][(t - 1) * batch + b];
    }

    private double[] previousC(int l, int t, int b) {
      return t == 0 ? c0[l][b] : c[l][(t - 1) * batch + b];
    }

    private double[][] decoder() {
      return spec.tied() ? p.get(AwdLstmCore.EMBEDDING) : p.get(AwdLstmCore.DECODER);
    }

    private static double sigmoid(double z) {
      return 1 / (1 + Math.exp(-z));
    }

    private void forward() {
      double[][] e = p.get(AwdLstmCore.EMBEDDING);
      double[][] in = new double[n][];
      for (int i = 0; i < n; i++) in[i] = e[tokens[i]].clone();
      for (int l = 0; l < layers; l++) {
        x[l] = in;
        int hs = spec.hiddenSize(l);
        double[][] w = p.get(AwdLstmCore.inputWeights(l));
        double[][] r = p.get(AwdLstmCore.recurrentWeights(l));
        double[] bias = p.get(AwdLstmCore.bias(l))[0];
        gates[l] = new double[n][4 * hs];
        c[l] = new double[n][hs];
        h[l] = new double[n][hs];
        for (int t = 0; t < steps; t++) {
          for (int b = 0; b < batch; b++) {
            int row = t * batch + b;
            double[] hp = previousH(l, t, b);
            double[] cp = previousC(l, t, b);
            double[] a = gates[l][row];
            for (int k = 0; k < 4 * hs; k++) {
              double z = bias[k];
              for (int j = 0; j < in[row].length; j++) z += in[row][j] * w[j][k];
              for (int j = 0; j < hs; j++) z += hp[j] * r[j][k];
              a[k] = k < 3 * hs ? sigmoid(z) : Math.tanh(z);
            }
            for (int j = 0; j < hs; j++) {
              double ig = a[j];
              double fg = a[hs + j];
              double og = a[2 * hs + j];
              double gg = a[3 * hs + j];
              c[l][row][j] = fg * cp[j] + ig * gg;
              h[l][row][j] = og * Math.tanh(c[l][row][j]);
            }
          }
        }
        in = h[l];
      }

      double[][] top = h[layers - 1];
      double[][] d = decoder();
      double[] bd = p.get(AwdLstmCore.DECODER_BIAS)[0];
      nll = 0;
      for (int i = 0; i < n; i++) {
        double[] logits = new double[spec.vocab()];
        double max = Double.NEGATIVE_INFINITY;
        for (int v = 0; v < logits.length; v++) {
          double s = bd[v];
          for (int j = 0; j < top[i].length; j++) s += top[i][j] * d[v][j];
          logits[v] = s;
          max = Math.max(max, s);
        }
        double sum = 0;
        for (double s : logits) sum += Math.exp(s - max);
        double logSum = max + Math.log(sum);
        for (int v = 0; v < logits.length; v++) probabilities[i][v] = Math.exp(logits[v] - logSum);
        nll += logSum - logits[labels[i]];
      }

      int ht = spec.hiddenSize(layers - 1);
      double squares = 0;
      for (double[] row : top) for (double v : row) squares += v * v;
      double ar = spec.alpha() * squares / ((double) n * ht);
      double tar = 0;
      if (steps > 1) {
        double diffs = 0;
        for (int i = batch; i < n; i++) {
          for (int j = 0; j < ht; j++) {
            double dd = top[i][j] - top[i - batch][j];
            diffs += dd * dd;
          }
        }
        tar = spec.beta() * diffs / ((double) (steps - 1) * batch * ht);
      }
      loss = nll / n + ar + tar;
    }

    private void backward() {
      int vocab = spec.vocab();
      int ht = spec.hiddenSize(layers - 1);
      double[][] top = h[layers - 1];
      double[][] d = decoder();
      double[][] dTop = new double[n][ht];
      double[][] dD = new double[vocab][ht];
      double[][] dBd = new double[1][vocab];
      for (int i = 0; i < n; i++) {
        for (int v = 0; v < vocab; v++) {
          double g = (probabilities[i][v] - (v == labels[i] ? 1 : 0)) / n;
          dBd[0][v] += g;
          for (int j = 0; j < ht; j++) {
            dD[v][j] += g * top[i][j];
            dTop[i][j] += g * d[v][j];
          }
        }
      }
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < ht; j++) dTop[i][j] += 2 * spec.alpha() * top[i][j] / ((double) n * ht);
      }
      if (steps > 1) {
        double k = 2 * spec.beta() / ((double) (steps - 1) * batch * ht);
        for (int i = batch; i < n; i++) {
          for (int j = 0; j < ht; j++) {
            double g = k * (top[i][j] - top[i - batch][j]);
            dTop[i][j] += g;
            dTop[i - batch][j] -= g;
          }
        }
      }

      double[][] dOut = dTop;
      for (int l = layers - 1; l >= 0; l--) dOut = layerBackward(l, dOut);

      double[][] dE = new double[vocab][spec.emsize()];
      for (int i = 0; i < n; i++) for (int j = 0; j < spec.emsize(); j++) dE[tokens[i]][j] += dOut[i][j];
      if (spec.tied()) {
        for (int v = 0; v < vocab; v++) for (int j = 0; j < ht; j++) dE[v][j] += dD[v][j];
      } else {
        grads.put(AwdLstmCore.DECODER, dD);
      }
      grads.put(AwdLstmCore.EMBEDDING, dE);
      grads.put(AwdLstmCore.DECODER_BIAS, dBd);
    }

    /** Given dL/dh of layer l at every step (from above only), stores its gradients and returns dL/dx. */
    private double[][] layerBackward(int l, double[][] dOut) {
      int hs = spec.hiddenSize(l);
      int inSize = x[l][0].length;
      double[][] w = p.get(AwdLstmCore.inputWeights(l));
      double[][] r = p.get(AwdLstmCore.recurrentWeights(l));
      double[][] dW = new double[inSize][4 * hs];
      double[][] dR = new double[hs][4 * hs];
      double[][] dB = new double[1][4 * hs];
      double[][] dX = new double[n][inSize];
      double[][] dhNext = new double[batch][hs]; // from step t+1 through R
      double[][] dcNext = new double[batch][hs]; // from step t+1 through the forget gate
      for (int t = steps - 1; t >= 0; t--) {
        for (int b = 0; b < batch; b++) {
          int row = t * batch + b;
          double[] a = gates[l][row];
          double[] cp = previousC(l, t, b);
          double[] hp = previousH(l, t, b);
          double[] dz = new double[4 * hs];
          for (int j = 0; j < hs; j++) {
            double ig = a[j];
            double fg = a[hs + j];
            double og = a[2 * hs + j];
            double gg = a[3 * hs + j];
            double tc = Math.tanh(c[l][row][j]);
            double dh = dOut[row][j] + dhNext[b][j];
            double dc = dh * og * (1 - tc * tc) + dcNext[b][j];
            dz[j] = dc * gg * ig * (1 - ig);
            dz[hs + j] = dc * cp[j] * fg * (1 - fg);
            dz[2 * hs + j] = dh * tc * og * (1 - og);
            dz[3 * hs + j] = dc * ig * (1 - gg * gg);
            dcNext[b][j] = dc * fg;
          }
          for (int j = 0; j < hs; j++) {
            double s = 0;
            for (int k = 0; k < 4 * hs; k++) s += dz[k] * r[j][k];
            dhNext[b][j] = s;
          }
          for (int k = 0; k < 4 * hs; k++) {
            dB[0][k] += dz[k];
            for (int j = 0; j < inSize; j++) dW[j][k] += x[l][row][j] * dz[k];
            for (int j = 0; j < hs; j++) dR[j][k] += hp[j] * dz[k];
          }
          for (int j = 0; j < inSize; j++) {
            double s = 0;
            for (int k = 0; k < 4 * hs; k++) s += dz[k] * w[j][k];
            dX[row][j] = s;
          }
        }
      }
      grads.put(AwdLstmCore.inputWeights(l), dW);
      grads.put(AwdLstmCore.recurrentWeights(l), dR);
      grads.put(AwdLstmCore.bias(l), dB);
      return dX;
    }
  }
}
