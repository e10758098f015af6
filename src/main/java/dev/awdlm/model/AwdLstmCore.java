package dev.awdlm.model;

import java.util.Arrays;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;
import org.nd4j.linalg.api.ops.impl.broadcast.BroadcastMulOp;
import org.nd4j.linalg.api.ops.impl.shape.Gather;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.api.ops.impl.transforms.strict.Tanh;
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
 * step t; the LSTM step loops keep their per-step arrays in {@link StepMajor}'s layout. Gate
 * columns are ordered i, f, o, g. The loss is per token: mean NLL + AR + TAR.
 */
public final class AwdLstmCore {
  public static final String EMBEDDING = "E";
  public static final String DECODER = "D";
  public static final String DECODER_BIAS = "bd";

  private final AwdLstmSpec spec;
  private final boolean fusedEvaluation;
  private final boolean rowMajorSteps;

  /** Evaluation fused and step products row-major where this process multiplies through oneDNN ({@link FusedLstm#preferred()}). */
  public AwdLstmCore(AwdLstmSpec spec) {
    this(spec, FusedLstm.preferred());
  }

  private AwdLstmCore(AwdLstmSpec spec, boolean oneDnn) {
    this(spec, oneDnn, oneDnn);
  }

  /**
   * @param fusedEvaluation whether passes that keep nothing for a backward pass ({@link #score},
   *     {@link #scoreRows}) run the LSTM layers as {@link FusedLstm}'s op instead of the step loop
   * @param rowMajorSteps whether the step loops' 20-row products take and give c-order
   *     {@code [B, F]} matrices (copied to and from {@link StepMajor}'s blocks) instead of
   *     multiplying the f-order blocks in place. Which is faster depends on the GEMM behind ND4J's
   *     matmul: oneDNN's ran the training passes 8-14% faster row-major, OpenBLAS's 10-16% faster
   *     column-major (docs/measured-figures.md, round 5); the results are the same either way.
   */
  AwdLstmCore(AwdLstmSpec spec, boolean fusedEvaluation, boolean rowMajorSteps) {
    this.spec = spec;
    this.fusedEvaluation = fusedEvaluation;
    this.rowMajorSteps = rowMajorSteps;
  }

  boolean fusedEvaluation() {
    return fusedEvaluation;
  }

  boolean rowMajorSteps() {
    return rowMajorSteps;
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

    /** Whether no mask is set: evaluation mode. */
    boolean isNone() {
      if (rows != null || input != null || output != null) return false;
      for (INDArray m : between) if (m != null) return false;
      for (INDArray m : weights) if (m != null) return false;
      return true;
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
    final INDArray[] gates; // activated i, f, o, g, [T, 4H, B] (StepMajor)
    final INDArray[] cells; // [T+1, H, B], the initial state first
    final INDArray[] tanhCells; // [T, H, B]
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
    return forward(params, tokens, steps, batch, initial, masks, labels, null, true, null);
  }

  /**
   * Evaluation's pass: the summed NLL of {@code labels} and the final state, without keeping the
   * probabilities or computing AR/TAR.
   */
  public Pass score(Map<String, INDArray> params, int[] tokens, int[] labels, int steps, int batch, State initial) {
    return score(params, tokens, labels, steps, batch, initial, null);
  }

  /** {@link #score} with the weights prepared for it by {@link #scoringWeights}; null to prepare them for this pass alone. */
  public Pass score(Map<String, INDArray> params, int[] tokens, int[] labels, int steps, int batch, State initial,
      ScoringWeights prepared) {
    return forward(params, tokens, steps, batch, initial, Masks.none(spec), labels, null, false, prepared);
  }

  /**
   * What each scoring pass would otherwise build from the parameters, built once for a run of passes
   * over the same parameters: the fused op's copies of the LSTM weights (about 60 ms a pass for the
   * full model, docs/measured-figures.md, round 6). They are copies: after the parameters change, they
   * are stale. Null where this core does not fuse evaluation, since the step loop reads the parameters
   * as they are. {@link ScoringWeights#close} frees them.
   */
  public ScoringWeights scoringWeights(Map<String, INDArray> params) {
    if (!fusedEvaluation) return null;
    FusedLstm.Weights[] layers = new FusedLstm.Weights[spec.nlayers()];
    // They outlive the pass's workspace, which each pass resets.
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      for (int l = 0; l < layers.length; l++) {
        layers[l] = FusedLstm.Weights.of(params.get(inputWeights(l)), params.get(recurrentWeights(l)), params.get(bias(l)));
      }
    }
    return new ScoringWeights(layers);
  }

  /** The fused op's weights for every layer ({@link #scoringWeights}). */
  public static final class ScoringWeights implements AutoCloseable {
    private final FusedLstm.Weights[] layers;
    private boolean closed;

    private ScoringWeights(FusedLstm.Weights[] layers) {
      this.layers = layers;
    }

    FusedLstm.Weights layer(int l) {
      if (closed) throw new IllegalStateException("these AWD-LSTM scoring weights are closed");
      return layers[l];
    }

    /** Frees the copies now rather than when the garbage collector finds them. */
    @Override
    public void close() {
      if (!closed) for (FusedLstm.Weights w : layers) w.close();
      closed = true;
    }
  }

  /**
   * Scoring's pass over independent sequences padded to {@code steps}: as {@link #score}, but row b
   * counts only its first {@code lengths[b]} steps, and its NLL is summed on its own
   * ({@link Pass#rowNll()}). Padding follows a row's real steps, so it cannot change them; the final
   * state is that of the padded input, meaningful only for rows whose length is {@code steps}.
   */
  public Pass scoreRows(Map<String, INDArray> params, int[] tokens, int[] labels, int[] lengths, int steps, int batch,
      State initial) {
    return scoreRows(params, tokens, labels, lengths, steps, batch, initial, null);
  }

  /** {@link #scoreRows} with the weights prepared by {@link #scoringWeights}; null to prepare them for this pass alone. */
  public Pass scoreRows(Map<String, INDArray> params, int[] tokens, int[] labels, int[] lengths, int steps, int batch,
      State initial, ScoringWeights prepared) {
    if (lengths.length != batch) throw new IllegalArgumentException(lengths.length + " lengths for " + batch + " rows");
    return forward(params, tokens, steps, batch, initial, Masks.none(spec), labels, lengths, false, prepared);
  }

  /**
   * @param lengths real steps per row (the rest is padding), or null when every step counts
   * @param prepared the fused op's weights, or null to build them here where the pass is fused
   */
  private Pass forward(Map<String, INDArray> params, int[] tokens, int steps, int batch, State initial, Masks masks,
      int[] labels, int[] lengths, boolean full, ScoringWeights prepared) {
    Pass pass = new Pass(steps, batch, tokens, masks, initial, spec.nlayers());
    if (!full && fusedEvaluation && masks.isNone()) encodeFused(params, pass, prepared);
    else encode(params, pass);
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
    INDArray x = gather(params.get(EMBEDDING), pass.tokens); // [N, emsize]
    if (masks.rows() != null) x.muliColumnVector(gather(masks.rows(), pass.tokens));
    if (masks.input() != null) lockedMul(x, masks.input(), steps, batch);

    INDArray[] lastH = new INDArray[spec.nlayers()];
    INDArray[] lastC = new INDArray[spec.nlayers()];
    for (int l = 0; l < spec.nlayers(); l++) {
      pass.inputs[l] = x;
      INDArray r = params.get(recurrentWeights(l));
      pass.recurrent[l] = masks.weights()[l] == null ? r : r.mul(masks.weights()[l]);
      INDArray h = lstmForward(l, params, pass, pass.initial.h()[l], pass.initial.c()[l]);
      lastH[l] = h.get(NDArrayIndex.interval(n - batch, n), NDArrayIndex.all()).dup();
      lastC[l] = StepMajor.block(pass.cells[l], steps, 0, spec.hiddenSize(l)).dup('c');
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

  /** {@link #encode} without dropout and without the caches a backward pass needs, each layer as one fused op. */
  private void encodeFused(Map<String, INDArray> params, Pass pass, ScoringWeights prepared) {
    INDArray x = gather(params.get(EMBEDDING), pass.tokens);
    INDArray[] lastH = new INDArray[spec.nlayers()];
    INDArray[] lastC = new INDArray[spec.nlayers()];
    for (int l = 0; l < spec.nlayers(); l++) {
      pass.inputs[l] = x;
      FusedLstm.Weights weights = prepared != null ? prepared.layer(l)
          : FusedLstm.Weights.of(params.get(inputWeights(l)), params.get(recurrentWeights(l)), params.get(bias(l)));
      INDArray[] run = FusedLstm.forward(x, weights, pass.initial.h()[l], pass.initial.c()[l], pass.steps, pass.batch);
      pass.outputs[l] = run[0];
      lastH[l] = run[1];
      lastC[l] = run[2];
      x = run[0];
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
    // Padding predicts nothing: scoring sends only its rows' real positions through the decoder and
    // the softmax, the larger part of a pass (a third of the positions at score.batchSize 64 on Brown).
    int[] positions = full ? null : realPositions(n, batch, lengths);
    INDArray decoded = positions == null ? dropped : gather(dropped, positions); // [M, H], M <= N
    int m = positions == null ? n : positions.length;
    INDArray logits = null;
    if (m > 0) {
      logits = Nd4j.gemm(decoded, decoderWeights(params), false, true); // [M, V]
      logits.addiRowVector(params.get(DECODER_BIAS));
      // libnd4j's fused softmax is about 2.5x faster than max, exp, sum and divide as separate ops.
      Nd4j.exec(new SoftMax(logits, logits, 1));
    }
    if (full) pass.probabilities = logits;
    if (labels != null) {
      double nll = 0;
      double[] rows = lengths == null ? null : new double[batch];
      double[] perToken = new double[n];
      for (int k = 0; k < m; k++) {
        int i = positions == null ? k : positions[k];
        double token = tokenNll(params, logits, decoded, k, labels[i]);
        perToken[i] = token;
        nll += token;
        if (rows != null) rows[i % batch] += token;
      }
      pass.nllSum = nll;
      pass.rowNll = rows;
      pass.tokenNll = perToken;
    }
  }

  /** The time-major positions that count, in order; null when every one does. */
  private static int[] realPositions(int n, int batch, int[] lengths) {
    if (lengths == null) return null;
    int[] positions = new int[n];
    int m = 0;
    for (int i = 0; i < n; i++) if (counts(i, batch, lengths)) positions[m++] = i;
    return m == n ? null : Arrays.copyOf(positions, m);
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

  /**
   * -log p(label) of row i from the softmax. Below the smallest normal number of its type, p has
   * lost its precision (or is 0), so the row's logits are computed again, in double, and the NLL
   * is log sum exp(z) - z_label: a confidently wrong prediction still costs what it should.
   */
  private double tokenNll(Map<String, INDArray> params, INDArray probabilities, INDArray decoderInput, int i, int label) {
    double p = probabilities.getDouble(i, label);
    if (p >= (probabilities.dataType() == DataType.DOUBLE ? Double.MIN_NORMAL : Float.MIN_NORMAL)) return -Math.log(p);
    double[] z = Nd4j.gemm(decoderInput.getRow(i, true), decoderWeights(params), false, true)
        .addiRowVector(params.get(DECODER_BIAS)).toDoubleVector();
    double max = Double.NEGATIVE_INFINITY;
    for (double v : z) max = Math.max(max, v);
    double sum = 0;
    for (double v : z) sum += Math.exp(v - max);
    return max + Math.log(sum) - z[label];
  }

  /** Whether time-major position i is one of its row's real steps. */
  private static boolean counts(int i, int batch, int[] lengths) {
    return lengths == null || i / batch < lengths[i % batch];
  }

  /** One LSTM layer over all steps; fills the pass's caches for layer l and returns its outputs. */
  private INDArray lstmForward(int l, Map<String, INDArray> params, Pass pass, INDArray h0, INDArray c0) {
    int steps = pass.steps;
    long hidden = spec.hiddenSize(l);
    DataType type = pass.inputs[l].dataType();
    // All steps' input projections in one GEMM; each step then adds h_{t-1} R into its rows (row-major
    // steps, which need whole c-order rows) or into its StepMajor block.
    INDArray zRows = contiguous(Nd4j.gemm(pass.inputs[l], params.get(inputWeights(l)), false, false));
    zRows.addiRowVector(params.get(bias(l)));
    INDArray z = rowMajorSteps ? Nd4j.createUninitialized(type, steps, 4 * hidden, pass.batch) : StepMajor.of(zRows, steps, pass.batch);
    // Block 0 of the cells and of the outputs is the initial state; block t+1 is step t's.
    INDArray cells = Nd4j.createUninitialized(type, steps + 1, hidden, pass.batch);
    INDArray tanhCells = Nd4j.createUninitialized(type, steps, hidden, pass.batch);
    INDArray out = Nd4j.createUninitialized(type, steps + 1, hidden, pass.batch);
    StepMajor.block(cells, 0, 0, hidden).assign(c0);
    StepMajor.block(out, 0, 0, hidden).assign(h0);
    INDArray r = rowMajorSteps ? contiguous(pass.recurrent[l]) : columnMajor(pass.recurrent[l]);
    INDArray hPrev = rowMajorSteps ? h0.dup('c') : null; // h_{t-1}, c-order
    for (int t = 0; t < steps; t++) {
      if (rowMajorSteps) {
        INDArray zt = StepMajor.rowBlock(zRows, t, pass.batch);
        Nd4j.gemm(hPrev, r, zt, false, false, 1.0, 1.0);
        StepMajor.block(z, t, 0, 4 * hidden).assign(zt);
      } else {
        Nd4j.gemm(StepMajor.block(out, t, 0, hidden), r, StepMajor.block(z, t, 0, 4 * hidden), false, false, 1.0, 1.0);
      }
      Transforms.sigmoid(StepMajor.block(z, t, 0, 3 * hidden), false);
      Transforms.tanh(gate(z, t, 3, hidden), false);
      INDArray ct = StepMajor.block(cells, t + 1, 0, hidden);
      INDArray tct = StepMajor.block(tanhCells, t, 0, hidden);
      gate(z, t, 1, hidden).muli(StepMajor.block(cells, t, 0, hidden), ct); // f * c_{t-1}
      gate(z, t, 0, hidden).muli(gate(z, t, 3, hidden), tct); // i * g, scratch before tct holds tanh(c)
      ct.addi(tct);
      Nd4j.getExecutioner().exec(new Tanh(ct, tct));
      INDArray ht = StepMajor.block(out, t + 1, 0, hidden);
      gate(z, t, 2, hidden).muli(tct, ht);
      if (rowMajorSteps && t < steps - 1) hPrev.assign(ht); // the last h feeds no product
    }
    pass.gates[l] = z;
    pass.cells[l] = cells;
    pass.tanhCells[l] = tanhCells;
    pass.outputs[l] = StepMajor.rows(out, 1, steps + 1);
    return pass.outputs[l];
  }

  /** Gate k (i, f, o, g) of step t of a {@code [T, 4H, B]} array. */
  private static INDArray gate(INDArray z, int t, int k, long hidden) {
    return StepMajor.block(z, t, k * hidden, (k + 1) * hidden);
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
    if (pass.masks.rows() != null) dX.muliColumnVector(gather(pass.masks.rows(), pass.tokens));
    INDArray dEmbedding = grads.get(EMBEDDING);
    if (spec.tied()) dEmbedding.assign(dDecoder);
    else dEmbedding.assign(0);
    scatterAddRows(dEmbedding, pass.tokens, dX);
    if (!spec.tied()) grads.get(DECODER).assign(dDecoder);
  }

  /**
   * Rows {@code rows} of {@code m}, as a new c-order {@code [rows.length, columns]} array: libnd4j's
   * gather op, about 30x faster than {@code INDArray.getRows} (12 ms for 700 embedding rows). The
   * indices go in as an array: given as integer arguments, a single index drops the row dimension.
   */
  private static INDArray gather(INDArray m, int[] rows) {
    return Nd4j.exec(new Gather(m, Nd4j.createFromArray(rows), 0))[0];
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

  /** Backprop through one LSTM layer given dL/dh for all steps; returns dL/dX. */
  private INDArray lstmBackward(int l, Map<String, INDArray> params, Pass pass, INDArray dHRows, Map<String, INDArray> grads) {
    int steps = pass.steps;
    int batch = pass.batch;
    long hidden = spec.hiddenSize(l);
    int n = steps * batch;
    DataType type = dHRows.dataType();
    INDArray z = pass.gates[l];
    // Derivative factors that need no incoming gradient, in a few ops over whole contiguous
    // arrays: s(1-s) for i, f, o (g's columns are overwritten in the loop), and 1 - tanh(c)^2.
    INDArray dZ = z.rsub(1).muli(z);
    INDArray cellGrads = pass.tanhCells[l].mul(pass.tanhCells[l]).rsubi(1);
    // dL/dh_t; step t adds its recurrent term dz_t R^T into block t-1 before that step runs.
    INDArray dH = StepMajor.of(dHRows, steps, batch);
    INDArray dc = Nd4j.createUninitialized(type, new long[] {batch, hidden}, 'f');
    INDArray dcNext = Nd4j.create(type, new long[] {batch, hidden}, 'f'); // zeros
    // Row-major steps: oneDNN's GEMM wants c-order operands and result, so dz_t is copied into these
    // time-major rows (which the weight-gradient GEMMs then take as they are) and dz_t R^T lands in dhPrev.
    INDArray dZRows = rowMajorSteps ? Nd4j.createUninitialized(type, (long) n, 4 * hidden) : null;
    INDArray dhPrev = rowMajorSteps ? Nd4j.createUninitialized(type, batch, hidden) : null;
    INDArray r = rowMajorSteps ? contiguous(pass.recurrent[l]) : pass.recurrent[l];
    for (int t = steps - 1; t >= 0; t--) {
      INDArray dh = StepMajor.block(dH, t, 0, hidden);
      INDArray i = gate(z, t, 0, hidden);
      INDArray g = gate(z, t, 3, hidden);
      INDArray tanhC = StepMajor.block(pass.tanhCells[l], t, 0, hidden);
      // dc = dh * o * (1 - tanh(c)^2) + f_{t+1} * dc_{t+1}
      dh.muli(gate(z, t, 2, hidden), dc).muli(StepMajor.block(cellGrads, t, 0, hidden)).addi(dcNext);
      gate(dZ, t, 0, hidden).muli(g).muli(dc);
      gate(dZ, t, 1, hidden).muli(StepMajor.block(pass.cells[l], t, 0, hidden)).muli(dc);
      gate(dZ, t, 2, hidden).muli(tanhC).muli(dh);
      g.muli(g, gate(dZ, t, 3, hidden)).rsubi(1).muli(i).muli(dc);
      dc.muli(gate(z, t, 1, hidden), dcNext);
      // No gradient flows into the initial state (TBPTT), so step 0 needs no recurrent product.
      if (rowMajorSteps) {
        INDArray dzt = StepMajor.rowBlock(dZRows, t, batch);
        dzt.assign(StepMajor.block(dZ, t, 0, 4 * hidden));
        if (t > 0) {
          Nd4j.gemm(dzt, r, dhPrev, false, true, 1.0, 0.0);
          StepMajor.block(dH, t - 1, 0, hidden).addi(dhPrev);
        }
      } else if (t > 0) {
        Nd4j.gemm(StepMajor.block(dZ, t, 0, 4 * hidden), r, StepMajor.block(dH, t - 1, 0, hidden), false, true, 1.0, 1.0);
      }
    }
    if (!rowMajorSteps) dZRows = StepMajor.rows(dZ, 0, steps);
    // h_{t-1} for every step: the initial state, then all outputs but the last.
    INDArray hPrev = Nd4j.vstack(pass.initial.h()[l], pass.outputs[l].get(NDArrayIndex.interval(0, n - batch), NDArrayIndex.all()));
    INDArray dR = Nd4j.gemm(hPrev, dZRows, true, false);
    // Weight drop: only kept weights learn, scaled as they were in the forward pass.
    if (pass.masks.weights()[l] != null) dR.muli(pass.masks.weights()[l]);
    grads.get(recurrentWeights(l)).assign(dR);
    grads.get(inputWeights(l)).assign(Nd4j.gemm(pass.inputs[l], dZRows, true, false));
    grads.get(bias(l)).assign(dZRows.sum(0).reshape(grads.get(bias(l)).shape()));
    return Nd4j.gemm(dZRows, params.get(inputWeights(l)), false, true);
  }

  /** {@code m} as a whole c-order array (a copy only when it is not one already). */
  private static INDArray contiguous(INDArray m) {
    return m.ordering() == 'c' && Shape.hasDefaultStridesForShape(m) ? m : m.dup('c');
  }

  /**
   * An f-order copy of a {@code [H, 4H]} matrix, for the forward step's {@code h R}: OpenBLAS's
   * small-M product is fastest with R column-major (about 1.3x the row-major one at 20 rows). The
   * copy goes through a 3-D permute, which libnd4j runs several times faster than a 2-D transpose.
   */
  static INDArray columnMajor(INDArray m) {
    long rows = m.size(0);
    INDArray t = Nd4j.createUninitialized(m.dataType(), new long[] {4 * rows, rows}, 'c');
    t.reshape('c', 4, rows, rows).assign(m.reshape('c', rows, 4, rows).permute(1, 2, 0));
    return t.transpose();
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
}
