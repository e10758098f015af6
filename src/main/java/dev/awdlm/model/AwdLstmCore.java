package dev.awdlm.model;

import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The AWD-LSTM forward and backward pass in plain ND4J, with no DL4J types: embedding (with
 * embedding dropout), a stack of LSTMs (weight drop on each hidden-to-hidden matrix, locked dropout
 * on the embedding output, between layers and on the last output), a decoder (the embedding matrix
 * itself when tied) and the sparse softmax cross-entropy, plus AR and TAR.
 *
 * <p>Sequences are time-major: row {@code t*B + b} of every {@code [T*B, F]} matrix is example b at
 * step t. Gate columns are ordered i, f, o, g. The loss is per token: mean NLL + AR + TAR.
 */
public final class AwdLstmCore {
  public static final String EMBEDDING = "E";
  public static final String DECODER = "D";
  public static final String DECODER_BIAS = "bd";

  private final AwdLstmSpec spec;

  public AwdLstmCore(AwdLstmSpec spec) {
    this.spec = spec;
  }

  public static String inputWeights(int layer) {
    return "W" + layer;
  }

  public static String recurrentWeights(int layer) {
    return "R" + layer;
  }

  public static String bias(int layer) {
    return "b" + layer;
  }

  /** Hidden and cell state per layer, each {@code [B, H_l]}. */
  public record State(INDArray[] h, INDArray[] c) {
    public static State zeros(AwdLstmSpec spec, int batch, DataType type) {
      INDArray[] h = new INDArray[spec.nlayers()];
      INDArray[] c = new INDArray[spec.nlayers()];
      for (int l = 0; l < h.length; l++) {
        h[l] = Nd4j.zeros(type, batch, spec.hiddenSize(l));
        c[l] = Nd4j.zeros(type, batch, spec.hiddenSize(l));
      }
      return new State(h, c);
    }

    public int batch() {
      return (int) h[0].size(0);
    }
  }

  /** The dropout masks of one forward pass; null entries mean no dropout there. */
  public record Masks(INDArray rows, INDArray input, INDArray[] between, INDArray output, INDArray[] weights) {
    public static Masks none(AwdLstmSpec spec) {
      return new Masks(null, null, new INDArray[Math.max(0, spec.nlayers() - 1)], null, new INDArray[spec.nlayers()]);
    }

    /** Fresh masks for a minibatch of {@code batch} sequences (training mode). */
    public static Masks draw(AwdLstmSpec spec, int batch, DataType type) {
      INDArray[] between = new INDArray[Math.max(0, spec.nlayers() - 1)];
      for (int l = 0; l < between.length; l++) between[l] = Dropouts.locked(batch, spec.hiddenSize(l), spec.dropouth(), type);
      INDArray[] weights = new INDArray[spec.nlayers()];
      for (int l = 0; l < weights.length; l++) {
        weights[l] = Dropouts.weights(spec.hiddenSize(l), 4L * spec.hiddenSize(l), spec.wdrop(), type);
      }
      return new Masks(
          Dropouts.rows(spec.vocab(), spec.dropoute(), type),
          Dropouts.locked(batch, spec.emsize(), spec.dropouti(), type),
          between,
          Dropouts.locked(batch, spec.hiddenSize(spec.nlayers() - 1), spec.dropout(), type),
          weights);
    }
  }

  /** What a forward pass keeps for its backward pass, and its results. */
  public static final class Pass {
    final int steps;
    final int batch;
    final int[] tokens;
    final Masks masks;
    final State initial;
    final INDArray[] inputs; // X_l, [N, in_l], after dropout
    final INDArray[] gates; // activated i, f, o, g, [N, 4H]
    final INDArray[] cells; // [N, H]
    final INDArray[] tanhCells; // [N, H]
    final INDArray[] outputs; // raw h, [N, H]
    final INDArray[] recurrent; // R_l after weight drop
    INDArray decoderInput; // last output after dropout, [N, H]
    INDArray probabilities; // softmax, [N, V]
    double nllSum;
    double[] rowNll;
    double[] tokenNll;
    double ar;
    double tar;
    State last;

    Pass(int steps, int batch, int[] tokens, Masks masks, State initial, int layers) {
      this.steps = steps;
      this.batch = batch;
      this.tokens = tokens;
      this.masks = masks;
      this.initial = initial;
      inputs = new INDArray[layers];
      gates = new INDArray[layers];
      cells = new INDArray[layers];
      tanhCells = new INDArray[layers];
      outputs = new INDArray[layers];
      recurrent = new INDArray[layers];
    }

    /** Next-token probabilities, {@code [T*B, V]}, time-major. */
    public INDArray probabilities() {
      return probabilities;
    }

    /** Summed negative log-likelihood of the labels, in nats (0 without labels). */
    public double nllSum() {
      return nllSum;
    }

    /** Each counted token's NLL, time-major (row {@code t*B + b}); null without labels. */
    public double[] tokenNll() {
      return tokenNll;
    }

    /** The top LSTM layer's outputs before dropout, {@code [T*B, H]} time-major: the states a cache pointer remembers. */
    public INDArray topOutputs() {
      return outputs[outputs.length - 1];
    }

    /** Per-row summed NLL over each row's real steps ({@link #scoreRows}); null from the other passes. */
    public double[] rowNll() {
      return rowNll;
    }

    public long predictions() {
      return (long) steps * batch;
    }

    /** The per-token training loss: mean NLL + AR + TAR. */
    public double loss() {
      return nllSum / predictions() + ar + tar;
    }

    public double ar() {
      return ar;
    }

    public double tar() {
      return tar;
    }

    /** The state after the last step, detached from this pass. */
    public State last() {
      return last;
    }
  }

  /**
   * @param tokens input ids, time-major, length T*B
   * @param labels next-token ids, time-major, or null when only probabilities are wanted
   */
  public Pass forward(Map<String, INDArray> params, int[] tokens, int steps, int batch, State initial, Masks masks,
      int[] labels) {
    return forward(params, tokens, steps, batch, initial, masks, labels, null, true);
  }

  /**
   * Evaluation's pass: the summed NLL of {@code labels} and the final state, without normalising
   * the probabilities or computing AR/TAR. Perplexity needs only {@code log sum exp(z) - z_label}
   * per token, and the skipped full passes over the {@code [T*B, V]} output are a large share of
   * an inference-only forward.
   */
  public Pass score(Map<String, INDArray> params, int[] tokens, int[] labels, int steps, int batch, State initial) {
    return forward(params, tokens, steps, batch, initial, Masks.none(spec), labels, null, false);
  }

  /**
   * Scoring's pass over independent sequences padded to {@code steps}: as {@link #score}, but row b
   * counts only its first {@code lengths[b]} steps, and its NLL is summed on its own
   * ({@link Pass#rowNll()}). Padding follows a row's real steps, so it cannot change them; the final
   * state is that of the padded input, meaningful only for rows whose length is {@code steps}.
   */
  public Pass scoreRows(Map<String, INDArray> params, int[] tokens, int[] labels, int[] lengths, int steps, int batch,
      State initial) {
    if (lengths.length != batch) throw new IllegalArgumentException(lengths.length + " lengths for " + batch + " rows");
    return forward(params, tokens, steps, batch, initial, Masks.none(spec), labels, lengths, false);
  }

  /** @param lengths real steps per row (the rest is padding), or null when every step counts */
  private Pass forward(Map<String, INDArray> params, int[] tokens, int steps, int batch, State initial, Masks masks,
      int[] labels, int[] lengths, boolean full) {
    Pass pass = new Pass(steps, batch, tokens, masks, initial, spec.nlayers());
    encode(params, pass);
    decode(params, pass, labels, lengths, full);
    if (full) regularize(pass);
    return pass;
  }

  /**
   * The embedding (with row and input dropout) and the LSTM layers, with locked dropout between
   * them: fills the pass's per-layer caches and its last state.
   */
  private void encode(Map<String, INDArray> params, Pass pass) {
    int steps = pass.steps;
    int batch = pass.batch;
    int n = steps * batch;
    Masks masks = pass.masks;
    INDArray x = params.get(EMBEDDING).getRows(pass.tokens); // [N, emsize], a copy
    if (masks.rows() != null) x.muliColumnVector(masks.rows().getRows(pass.tokens));
    if (masks.input() != null) lockedMul(x, masks.input(), steps, batch);

    INDArray[] lastH = new INDArray[spec.nlayers()];
    INDArray[] lastC = new INDArray[spec.nlayers()];
    for (int l = 0; l < spec.nlayers(); l++) {
      pass.inputs[l] = x;
      INDArray r = params.get(recurrentWeights(l));
      pass.recurrent[l] = masks.weights()[l] == null ? r : r.mul(masks.weights()[l]);
      INDArray h = lstmForward(l, params, pass, pass.initial.h()[l], pass.initial.c()[l]);
      lastH[l] = h.get(NDArrayIndex.interval(n - batch, n), NDArrayIndex.all()).dup();
      lastC[l] = pass.cells[l].get(NDArrayIndex.interval(n - batch, n), NDArrayIndex.all()).dup();
      if (l < spec.nlayers() - 1) {
        x = h;
        if (masks.between()[l] != null) {
          x = h.dup();
          lockedMul(x, masks.between()[l], steps, batch);
        }
      }
    }
    pass.last = new State(lastH, lastC);
  }

  /**
   * Output dropout, the decoder and the softmax: the probabilities when {@code full}, and the
   * labels' summed NLL (per row too, when {@code lengths} are given) when there are labels.
   */
  private void decode(Map<String, INDArray> params, Pass pass, int[] labels, int[] lengths, boolean full) {
    int batch = pass.batch;
    int n = pass.steps * batch;
    INDArray dropped = pass.outputs[spec.nlayers() - 1];
    if (pass.masks.output() != null) {
      dropped = dropped.dup();
      lockedMul(dropped, pass.masks.output(), pass.steps, batch);
    }
    pass.decoderInput = dropped;

    INDArray logits = Nd4j.gemm(dropped, decoderWeights(params), false, true); // [N, V]
    logits.addiRowVector(params.get(DECODER_BIAS));
    INDArray max = logits.max(1);
    logits.subiColumnVector(max);
    double[] shifted = labels == null ? null : new double[n];
    if (labels != null) for (int i = 0; i < n; i++) if (counts(i, batch, lengths)) shifted[i] = logits.getDouble(i, labels[i]);
    Transforms.exp(logits, false);
    INDArray sums = logits.sum(1);
    if (full) {
      logits.diviColumnVector(sums);
      pass.probabilities = logits;
    }
    if (labels != null) {
      double nll = 0;
      double[] rows = lengths == null ? null : new double[batch];
      double[] perToken = new double[n];
      for (int i = 0; i < n; i++) {
        if (!counts(i, batch, lengths)) continue;
        double token = Math.log(sums.getDouble(i)) - shifted[i];
        perToken[i] = token;
        nll += token;
        if (rows != null) rows[i % batch] += token;
      }
      pass.nllSum = nll;
      pass.rowNll = rows;
      pass.tokenNll = perToken;
    }
  }

  /** AR on the decoder's (dropped-out) input and TAR on the top layer's raw outputs, as awd-lstm-lm adds them to the loss. */
  private void regularize(Pass pass) {
    if (spec.alpha() > 0) {
      double norm = pass.decoderInput.norm2Number().doubleValue();
      pass.ar = spec.alpha() * norm * norm / pass.decoderInput.length();
    }
    if (spec.beta() > 0 && pass.steps > 1) {
      INDArray diff = timeDifference(pass.outputs[spec.nlayers() - 1], pass.steps, pass.batch);
      double norm = diff.norm2Number().doubleValue();
      pass.tar = spec.beta() * norm * norm / diff.length();
    }
  }

  /** Whether time-major position i is one of its row's real steps. */
  private static boolean counts(int i, int batch, int[] lengths) {
    return lengths == null || i / batch < lengths[i % batch];
  }

  /** One LSTM layer over all steps; fills the pass's caches for layer l and returns its outputs. */
  private INDArray lstmForward(int l, Map<String, INDArray> params, Pass pass, INDArray h0, INDArray c0) {
    int steps = pass.steps;
    int batch = pass.batch;
    int hidden = spec.hiddenSize(l);
    INDArray x = pass.inputs[l];
    DataType type = x.dataType();
    int n = steps * batch;
    // All steps' input projections in one GEMM; each step then adds h_{t-1} R into its rows.
    INDArray z = Nd4j.gemm(x, params.get(inputWeights(l)), false, false);
    z.addiRowVector(params.get(bias(l)));
    INDArray cells = Nd4j.createUninitialized(type, n, hidden);
    INDArray tanhCells = Nd4j.createUninitialized(type, n, hidden);
    INDArray out = Nd4j.createUninitialized(type, n, hidden);
    INDArray r = pass.recurrent[l];
    INDArray hPrev = h0;
    INDArray cPrev = c0;
    for (int t = 0; t < steps; t++) {
      INDArray zt = rows(z, t, batch);
      Nd4j.gemm(hPrev, r, zt, false, false, 1.0, 1.0);
      Transforms.sigmoid(cols(zt, 0, 3 * hidden), false);
      Transforms.tanh(cols(zt, 3 * hidden, 4 * hidden), false);
      INDArray i = cols(zt, 0, hidden);
      INDArray f = cols(zt, hidden, 2 * hidden);
      INDArray o = cols(zt, 2 * hidden, 3 * hidden);
      INDArray g = cols(zt, 3 * hidden, 4 * hidden);
      INDArray ct = rows(cells, t, batch);
      INDArray tct = rows(tanhCells, t, batch);
      tct.assign(i).muli(g); // scratch for i*g before it holds tanh(c)
      ct.assign(f).muli(cPrev).addi(tct);
      tct.assign(ct);
      Transforms.tanh(tct, false);
      INDArray ht = rows(out, t, batch);
      ht.assign(o).muli(tct);
      hPrev = ht;
      cPrev = ct;
    }
    pass.gates[l] = z;
    pass.cells[l] = cells;
    pass.tanhCells[l] = tanhCells;
    pass.outputs[l] = out;
    return out;
  }

  /**
   * Gradients of {@link Pass#loss()} with respect to every parameter, written into {@code grads}
   * (which holds arrays of the parameters' shapes, e.g. views of DL4J's flat gradient).
   */
  public void backward(Map<String, INDArray> params, Pass pass, int[] labels, Map<String, INDArray> grads) {
    int steps = pass.steps;
    int batch = pass.batch;
    int n = steps * batch;
    int top = spec.nlayers() - 1;

    // Softmax cross-entropy: d(mean NLL)/dlogits = (p - onehot) / N.
    INDArray dLogits = pass.probabilities.dup();
    for (int i = 0; i < n; i++) dLogits.putScalar(i, labels[i], dLogits.getDouble(i, labels[i]) - 1);
    dLogits.divi(n);
    INDArray decoder = decoderWeights(params);
    INDArray dDecoder = Nd4j.gemm(dLogits, pass.decoderInput, true, false); // [V, H]
    grads.get(DECODER_BIAS).assign(dLogits.sum(0).reshape(grads.get(DECODER_BIAS).shape()));
    INDArray dDropped = Nd4j.gemm(dLogits, decoder, false, false); // [N, H]
    if (spec.alpha() > 0) dDropped.addi(pass.decoderInput.mul(2 * spec.alpha() / pass.decoderInput.length()));
    INDArray dH = dDropped;
    if (pass.masks.output() != null) lockedMul(dH, pass.masks.output(), steps, batch);
    if (spec.beta() > 0 && steps > 1) {
      INDArray diff = timeDifference(pass.outputs[top], steps, batch).muli(2 * spec.beta() / ((long) (steps - 1) * batch * spec.hiddenSize(top)));
      dH.get(NDArrayIndex.interval(batch, n), NDArrayIndex.all()).addi(diff);
      dH.get(NDArrayIndex.interval(0, n - batch), NDArrayIndex.all()).subi(diff);
    }

    INDArray dX = null;
    for (int l = top; l >= 0; l--) {
      dX = lstmBackward(l, params, pass, dH, grads);
      if (l > 0 && pass.masks.between()[l - 1] != null) lockedMul(dX, pass.masks.between()[l - 1], steps, batch);
      dH = dX;
    }

    // Embedding: undo the input dropout, then scatter rows back, scaled by the row mask.
    if (pass.masks.input() != null) lockedMul(dX, pass.masks.input(), steps, batch);
    if (pass.masks.rows() != null) dX.muliColumnVector(pass.masks.rows().getRows(pass.tokens));
    INDArray dEmbedding = grads.get(EMBEDDING);
    if (spec.tied()) dEmbedding.assign(dDecoder);
    else dEmbedding.assign(0);
    scatterAddRows(dEmbedding, pass.tokens, dX);
    if (!spec.tied()) grads.get(DECODER).assign(dDecoder);
  }

  /**
   * {@code target[rows[i]] += updates[i]} for every i, repeated rows accumulating. Done on the
   * heap: one ND4J op per row would cost more than the whole backward pass of a small layer.
   */
  static void scatterAddRows(INDArray target, int[] rows, INDArray updates) {
    int width = (int) updates.size(1);
    double[] u = updates.dup('c').data().asDouble();
    java.util.Map<Integer, double[]> sums = new java.util.HashMap<>();
    for (int i = 0; i < rows.length; i++) {
      double[] acc = sums.computeIfAbsent(rows[i], k -> new double[width]);
      int base = i * width;
      for (int j = 0; j < width; j++) acc[j] += u[base + j];
    }
    org.nd4j.linalg.api.buffer.DataBuffer buf = target.data();
    long rowStride = target.stride(0);
    long colStride = target.stride(1);
    for (java.util.Map.Entry<Integer, double[]> e : sums.entrySet()) {
      long base = target.offset() + e.getKey() * rowStride;
      double[] acc = e.getValue();
      for (int j = 0; j < width; j++) {
        long at = base + j * colStride;
        buf.put(at, buf.getDouble(at) + acc[j]);
      }
    }
  }

  /** Backprop through one LSTM layer given dL/dh for all steps (consumed); returns dL/dX. */
  private INDArray lstmBackward(int l, Map<String, INDArray> params, Pass pass, INDArray dH, Map<String, INDArray> grads) {
    int steps = pass.steps;
    int batch = pass.batch;
    int hidden = spec.hiddenSize(l);
    int n = steps * batch;
    DataType type = dH.dataType();
    INDArray z = pass.gates[l];
    INDArray dZ = Nd4j.createUninitialized(type, n, 4 * hidden);
    INDArray r = pass.recurrent[l];
    // Gate and cell derivatives for all steps at once: a few large ops instead of many small ones.
    INDArray sigmoidGrads = cols(z, 0, 3 * hidden).dup('c'); // s(1-s) for i, f, o
    sigmoidGrads.muli(sigmoidGrads.rsub(1));
    INDArray tanhGrads = cols(z, 3 * hidden, 4 * hidden).dup('c'); // 1-g^2
    tanhGrads.muli(tanhGrads).rsubi(1);
    INDArray cellGrads = pass.tanhCells[l].mul(pass.tanhCells[l]).rsubi(1); // 1-tanh(c)^2
    INDArray dhNext = Nd4j.zeros(type, batch, hidden);
    INDArray dcNext = Nd4j.zeros(type, batch, hidden);
    INDArray dc = Nd4j.createUninitialized(type, batch, hidden);
    for (int t = steps - 1; t >= 0; t--) {
      INDArray zt = rows(z, t, batch);
      INDArray i = cols(zt, 0, hidden);
      INDArray f = cols(zt, hidden, 2 * hidden);
      INDArray o = cols(zt, 2 * hidden, 3 * hidden);
      INDArray g = cols(zt, 3 * hidden, 4 * hidden);
      INDArray sg = rows(sigmoidGrads, t, batch);
      INDArray tct = rows(pass.tanhCells[l], t, batch);
      INDArray cPrev = t == 0 ? pass.initial.c()[l] : rows(pass.cells[l], t - 1, batch);
      INDArray dh = rows(dH, t, batch).addi(dhNext);
      INDArray dzt = rows(dZ, t, batch);
      // dc = dcNext + dh * o * (1 - tanh(c)^2)
      dc.assign(rows(cellGrads, t, batch)).muli(o).muli(dh).addi(dcNext);
      cols(dzt, 0, hidden).assign(cols(sg, 0, hidden)).muli(g).muli(dc);
      cols(dzt, hidden, 2 * hidden).assign(cols(sg, hidden, 2 * hidden)).muli(cPrev).muli(dc);
      cols(dzt, 2 * hidden, 3 * hidden).assign(cols(sg, 2 * hidden, 3 * hidden)).muli(tct).muli(dh);
      cols(dzt, 3 * hidden, 4 * hidden).assign(rows(tanhGrads, t, batch)).muli(i).muli(dc);
      dcNext.assign(dc).muli(f);
      Nd4j.gemm(dzt, r, dhNext, false, true, 1.0, 0.0);
    }
    // h_{t-1} for every step: the initial state, then all outputs but the last.
    INDArray hPrev = Nd4j.vstack(pass.initial.h()[l], pass.outputs[l].get(NDArrayIndex.interval(0, n - batch), NDArrayIndex.all()));
    INDArray dR = Nd4j.gemm(hPrev, dZ, true, false);
    // Weight drop: only kept weights learn, scaled as they were in the forward pass.
    if (pass.masks.weights()[l] != null) dR.muli(pass.masks.weights()[l]);
    grads.get(recurrentWeights(l)).assign(dR);
    grads.get(inputWeights(l)).assign(Nd4j.gemm(pass.inputs[l], dZ, true, false));
    grads.get(bias(l)).assign(dZ.sum(0).reshape(grads.get(bias(l)).shape()));
    return Nd4j.gemm(dZ, params.get(inputWeights(l)), false, true);
  }

  private INDArray decoderWeights(Map<String, INDArray> params) {
    return spec.tied() ? params.get(EMBEDDING) : params.get(DECODER);
  }

  /** {@code h_t - h_{t-1}} for t = 1..T-1, {@code [(T-1)*B, H]}. */
  private static INDArray timeDifference(INDArray h, int steps, int batch) {
    int n = steps * batch;
    return h.get(NDArrayIndex.interval(batch, n), NDArrayIndex.all())
        .sub(h.get(NDArrayIndex.interval(0, n - batch), NDArrayIndex.all()));
  }

  /** Multiplies every step's {@code [B, F]} block of {@code x} by {@code mask}, in place. */
  static void lockedMul(INDArray x, INDArray mask, int steps, int batch) {
    if (x.isView() || x.ordering() != 'c') throw new IllegalArgumentException("in-place locked dropout needs a whole c-order array");
    INDArray x3 = x.reshape('c', steps, batch, x.size(1));
    Nd4j.getExecutioner().exec(new BroadcastMulOp(x3, mask, x3, 1, 2));
  }

  // Step views are built straight from the buffer: INDArray.get(NDArrayIndex...) resolves indexes
  // generically and cost ~60 us a view, several times the work of a step's elementwise op.

  /** Rows {@code [t*B, (t+1)*B)} of a whole c-order matrix, as a view. */
  private static INDArray rows(INDArray m, int t, int batch) {
    long cols = m.size(1);
    return Nd4j.create(m.data(), new long[] {batch, cols}, new long[] {m.stride(0), m.stride(1)},
        m.offset() + (long) t * batch * m.stride(0), 'c');
  }

  /** Columns {@code [from, to)} of a matrix (or of a row-block view), as a view. */
  private static INDArray cols(INDArray m, int from, int to) {
    return Nd4j.create(m.data(), new long[] {m.size(0), to - from}, new long[] {m.stride(0), m.stride(1)},
        m.offset() + (long) from * m.stride(1), 'c');
  }
}
