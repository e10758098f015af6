package dev.awdlm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.nativeblas.NativeOpsHolder;

/**
 * One LSTM layer's forward pass over all steps as libnd4j's fused {@code lstmLayer} op, for
 * passes that keep nothing for a backward pass (evaluation, scoring: no dropout, no weight drop).
 *
 * <p>Only worth it where libnd4j runs the op on oneDNN: its JIT-compiled LSTM did the small
 * model's 3 layers at 10 streams in 26-28 ms against about 85 ms for {@link AwdLstmCore}'s step
 * loop, while libnd4j's own CPU kernel for the op (70-74 ms) is no faster than the loop
 * (docs/measured-figures.md, round 4). {@link #preferred()} says whether this process has oneDNN;
 * {@link AwdLstmCore} also lets it choose training's step-product layout, as it says whether ND4J's
 * matmul runs on oneDNN's GEMM.
 */
public final class FusedLstm {
  private static final boolean ONEDNN = buildHasOneDnn();

  private FusedLstm() {}

  /** Whether this process's libnd4j was built with oneDNN. */
  public static boolean oneDnnBuild() {
    return ONEDNN;
  }

  /**
   * Whether libnd4j was built with oneDNN and may use it: then evaluation should use this op, and
   * libnd4j's matmul (behind {@code Nd4j.gemm}) runs on oneDNN's GEMM.
   */
  static boolean preferred() {
    return ONEDNN && Nd4j.getEnvironment().helpersAllowed();
  }

  private static boolean buildHasOneDnn() {
    try {
      // ND4J's backend loads its properties as it starts; NativeOpsHolder used first fails its class initialisation
      // for good, which left this false and every later ND4J call failing, in a JVM whose first ND4J use was this.
      Nd4j.getExecutioner();
      return NativeOpsHolder.getInstance().getDeviceNativeOps().buildInfo().contains("HAVE_ONEDNN");
    } catch (RuntimeException | LinkageError e) {
      return false;
    }
  }

  /**
   * One layer's weights as the op takes them: c-order copies with the gate columns in its order.
   * Building them copies every weight (81 MB for the full model), so a run of passes over unchanged
   * parameters builds them once ({@link AwdLstmCore.ScoringWeights}).
   */
  record Weights(INDArray w, INDArray r, INDArray b) {
    /** @param w input weights {@code [in, 4H]}, r recurrent weights {@code [H, 4H]}, b bias {@code [1, 4H]}, in our gate order */
    static Weights of(INDArray w, INDArray r, INDArray b) {
      return new Weights(opGateOrder(w), opGateOrder(r), opGateOrder(b));
    }

    void close() {
      w.close();
      r.close();
      b.close();
    }
  }

  /**
   * @param x the layer's input, {@code [T*B, in]} time-major
   * @param h0 initial output and c0 initial cell, {@code [B, H]}
   * @return the outputs {@code [T*B, H]} time-major, the last output and the last cell, {@code [B, H]}
   */
  static INDArray[] forward(INDArray x, Weights weights, INDArray h0, INDArray c0, int steps, int batch) {
    long hidden = weights.r().size(0);
    INDArray input = x.dup('c').reshape('c', steps, batch, x.size(1));
    INDArray out = Nd4j.createUninitialized(x.dataType(), steps, batch, hidden);
    INDArray lastH = Nd4j.createUninitialized(x.dataType(), batch, hidden);
    INDArray lastC = Nd4j.createUninitialized(x.dataType(), batch, hidden);
    // Built by name: M2's LSTMLayer(INDArray...) constructor passes its inputs as its outputs.
    Nd4j.exec(DynamicCustomOp.builder("lstmLayer")
        .addInputs(input, weights.w(), weights.r(), weights.b().reshape(4 * hidden), h0.dup('c'), c0.dup('c'))
        .addOutputs(out, lastH, lastC)
        // data format TNS, forward only, sigmoid gates, tanh cell and output activations
        .addIntegerArguments(0, 0, 2, 0, 0)
        .addFloatingPointArguments(0.0) // no cell clipping
        // biases, no sequence lengths, initial h and c, no peepholes, full sequence, last h, last c
        .addBooleanArguments(true, false, true, true, false, true, true, true)
        .build());
    return new INDArray[] {out.reshape('c', (long) steps * batch, hidden), lastH, lastC};
  }

  /** A c-order copy with the gate columns reordered from ours (i, f, o, g) to the op's (i, f, g, o). */
  static INDArray opGateOrder(INDArray m) {
    long hidden = m.size(1) / 4;
    INDArray reordered = Nd4j.createUninitialized(m.dataType(), new long[] {m.size(0), 4 * hidden}, 'c');
    reordered.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * hidden))
        .assign(m.get(NDArrayIndex.all(), NDArrayIndex.interval(0, 2 * hidden)));
    reordered.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * hidden, 3 * hidden))
        .assign(m.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * hidden, 4 * hidden)));
    reordered.get(NDArrayIndex.all(), NDArrayIndex.interval(3 * hidden, 4 * hidden))
        .assign(m.get(NDArrayIndex.all(), NDArrayIndex.interval(2 * hidden, 3 * hidden)));
    return reordered;
  }
}
