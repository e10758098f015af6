package dev.awdlm.model;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.api.layers.IOutputLayer;
import org.deeplearning4j.nn.api.layers.RecurrentLayer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.regularization.L2Regularization;
import org.nd4j.linalg.learning.regularization.Regularization;

/**
 * Adapts {@link AwdLstmCore} to DL4J: an output layer (it owns the loss) that is also recurrent
 * (hidden state carries across TBPTT windows and {@code rnnTimeStep} calls). MultiLayerNetwork
 * never runs an output layer's forward pass before backprop, so {@link #backpropGradient} runs
 * both. Every call computes in this layer's own ND4J workspace, reused from call to call: a pass
 * allocates hundreds of temporaries, and outside a workspace their native memory is freed only when
 * the garbage collector happens to run (a local pipeline grew past 24 GB that way). Only the
 * outputs and the carried state are detached from it.
 */
public class AwdLstmLayerImpl extends BaseLayer<AwdLstmLayer> implements IOutputLayer, RecurrentLayer {
  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .initialSize(0)
      .policyAllocation(AllocationPolicy.OVERALLOCATE)
      .overallocationLimit(0.2)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .policySpill(SpillPolicy.REALLOCATE)
      .policyMirroring(MirroringPolicy.FULL)
      .build();
  private static final String WORKSPACE_ID = "AWD_LSTM_PASS";

  private INDArray labels;
  private AwdLstmCore.State previous;
  private AwdLstmCore.State tbpttState;
  /** The loss of the last training pass over the current input and labels; NaN when unknown. */
  private double lastLoss = Double.NaN;
  /** The summed NLL of that pass, without AR, TAR or weight decay; NaN when unknown. */
  private double lastNllSum = Double.NaN;
  /** The labels that pass scored (the real steps of a padded window times the streams). */
  private long lastTokens;

  public AwdLstmLayerImpl(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  private AwdLstmSpec spec() {
    return layerConf().getSpec();
  }

  private AwdLstmCore core() {
    return new AwdLstmCore(spec());
  }

  @Override
  public Type type() {
    return Type.RECURRENT;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public void setInput(INDArray input, LayerWorkspaceMgr workspaceMgr) {
    super.setInput(input, workspaceMgr);
    lastLoss = Double.NaN;
    lastNllSum = Double.NaN;
  }

  // --- padded windows -----------------------------------------------------------------------

  /**
   * The steps a mask keeps: variable-length BPTT (batch.VariableBptt) lays each window at the start
   * of a fixed-length TBPTT slot, padded, with a mask of 1 on its steps. Any other mask (a hole, or
   * streams of different lengths) is not a padded window and is refused rather than computed wrong.
   */
  static int keptSteps(INDArray mask, long steps) {
    if (mask == null) return (int) steps;
    int rows = (int) mask.size(0);
    int kept = 0;
    while (kept < steps && mask.getDouble(0, kept) != 0) kept++;
    for (int b = 0; b < rows; b++) {
      for (int t = 0; t < steps; t++) {
        if ((mask.getDouble(b, t) != 0) != (t < kept)) {
          throw new IllegalArgumentException("AWD-LSTM layer: a mask must keep the same first steps of every stream "
              + "(a padded variable-length window); stream " + b + " differs at step " + t);
        }
      }
    }
    if (kept == 0) throw new IllegalArgumentException("AWD-LSTM layer: a mask keeps no step");
    return kept;
  }

  /** {@code a} ({@code [B, 1, T]}) cut to the steps the mask keeps: padding is never computed or trained. */
  private INDArray real(INDArray a) {
    int kept = keptSteps(maskArray, a.size(2));
    return kept == a.size(2) ? a : a.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.interval(0, kept));
  }

  // --- forward ------------------------------------------------------------------------------

  /** Token ids {@code [B, 1, T]} to time-major {@code int[T*B]}. */
  static int[] timeMajor(INDArray ids) {
    int batch = (int) ids.size(0);
    int steps = (int) ids.size(2);
    int[] out = new int[steps * batch];
    for (int b = 0; b < batch; b++) {
      for (int t = 0; t < steps; t++) out[t * batch + b] = (int) ids.getDouble(b, 0, t);
    }
    return out;
  }

  private static MemoryWorkspace workspace() {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID);
  }

  private static AwdLstmCore.State detached(AwdLstmCore.State s) {
    INDArray[] h = new INDArray[s.h().length];
    INDArray[] c = new INDArray[s.c().length];
    for (int l = 0; l < h.length; l++) {
      h[l] = s.h()[l].detach();
      c[l] = s.c()[l].detach();
    }
    return new AwdLstmCore.State(h, c);
  }

  /**
   * The state a pass over {@code batch} streams starts from: zeros when none is stored. A stored
   * state for another number of streams belongs to other text; replacing it with zeros would
   * silently change what is computed, so it is an error. DL4J clears the state around each
   * truncated-BPTT fit and {@code output} never uses it, and the evaluator clears it around each
   * split: only a caller carrying state by hand ({@code rnnTimeStep}, {@code scoreTimeStep},
   * {@code rnnSetPreviousState}) into a batch of another size meets the error.
   */
  private AwdLstmCore.State start(AwdLstmCore.State stored, int batch) {
    if (stored == null) return AwdLstmCore.State.zeros(spec(), batch, dataType);
    if (stored.batch() != batch) {
      throw new IllegalStateException("AWD-LSTM layer: the stored recurrent state is for " + stored.batch()
          + " streams, the input has " + batch + " streams; call rnnClearPreviousState() before a batch of another size");
    }
    return stored;
  }

  private AwdLstmCore.Pass run(INDArray in, AwdLstmCore.State initial, boolean training, INDArray labelArray) {
    int batch = (int) in.size(0);
    int steps = (int) in.size(2);
    AwdLstmCore.State start = start(initial, batch);
    AwdLstmCore.Masks masks = training ? AwdLstmCore.Masks.draw(spec(), batch, dataType) : AwdLstmCore.Masks.none(spec());
    return core().forward(params, timeMajor(in), steps, batch, start, masks, labelArray == null ? null : timeMajor(labelArray));
  }

  /** {@code [T*B, V]} time-major probabilities to DL4J's {@code [B, V, T]}, outside every workspace. */
  private INDArray toNcw(AwdLstmCore.Pass pass, int steps, int batch) {
    return pass.probabilities().reshape('c', steps, batch, spec().vocab()).permute(1, 2, 0).dup('c').detach();
  }

  /**
   * A forward pass from {@code initial}; returns the probabilities in DL4J's activations workspace
   * and, through {@code stateOut}, the detached final state.
   */
  private INDArray forward(INDArray in, AwdLstmCore.State initial, boolean training, AwdLstmCore.State[] stateOut,
      LayerWorkspaceMgr mgr) {
    INDArray out;
    try (MemoryWorkspace ignored = workspace()) {
      AwdLstmCore.Pass pass = run(in, initial, training, null);
      out = toNcw(pass, (int) in.size(2), (int) in.size(0));
      if (stateOut != null) stateOut[0] = detached(pass.last());
    }
    return mgr.leverageTo(ArrayType.ACTIVATIONS, out);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    return forward(input, null, training, null, workspaceMgr);
  }

  @Override
  public INDArray rnnTimeStep(INDArray input, LayerWorkspaceMgr workspaceMgr) {
    setInput(input, workspaceMgr);
    AwdLstmCore.State[] state = new AwdLstmCore.State[1];
    INDArray out = forward(input, previous, false, state, workspaceMgr);
    previous = state[0];
    return out;
  }

  /**
   * Summed NLL of the next tokens {@code labels} ({@code [B, 1, T]} ids) for {@code input}, in
   * inference mode, continuing from and updating the same state as {@link #rnnTimeStep}. No
   * probabilities are materialised: this is the path perplexity evaluation takes.
   */
  public double scoreTimeStep(INDArray input, INDArray labels) {
    return score(input, labels, null, AwdLstmCore.Pass::nllSum);
  }

  /**
   * One scored window in detail: each token's NLL and the top layer's state that predicted it, both
   * time-major (token {@code t*B + b}), copied out of the pass. What the cache pointer needs.
   *
   * @param states {@code [T*B, hidden]} row-major
   */
  public record ScoredWindow(double[] tokenNll, float[] states, int hidden) {}

  /** {@link #scoreTimeStep}, keeping each token's NLL and the top layer's states. */
  public ScoredWindow scoreTimeStepInDetail(INDArray input, INDArray labels) {
    return score(input, labels, null, AwdLstmLayerImpl::inDetail);
  }

  /**
   * Scoring calls that share what each call would otherwise build from the parameters (the fused
   * LSTM's copies of the weights), for a run of calls over unchanged parameters: one evaluation
   * pass. Close it before the parameters change: after that its calls would mix the old LSTM weights
   * with the current embedding and decoder.
   */
  public Scorer scorer() {
    return new Scorer(core().scoringWeights(params));
  }

  /** {@link #scorer()}'s calls: as the layer's own {@code scoreTimeStep} and {@code scoreTimeStepInDetail}. */
  public final class Scorer implements AutoCloseable {
    private final AwdLstmCore.ScoringWeights weights; // null where evaluation is not fused
    private boolean closed;

    private Scorer(AwdLstmCore.ScoringWeights weights) {
      this.weights = weights;
    }

    public double scoreTimeStep(INDArray input, INDArray labels) {
      return score(input, labels, open(), AwdLstmCore.Pass::nllSum);
    }

    public ScoredWindow scoreTimeStepInDetail(INDArray input, INDArray labels) {
      return score(input, labels, open(), AwdLstmLayerImpl::inDetail);
    }

    private AwdLstmCore.ScoringWeights open() {
      if (closed) throw new IllegalStateException("this AWD-LSTM scorer is closed");
      return weights;
    }

    @Override
    public void close() {
      if (!closed && weights != null) weights.close();
      closed = true;
    }
  }

  /**
   * A scoring pass from the stored state, which it replaces, and what {@code read} takes from it:
   * the pass lives in the layer's workspace, which the next pass reuses.
   */
  private <T> T score(INDArray input, INDArray labels, AwdLstmCore.ScoringWeights weights, Function<AwdLstmCore.Pass, T> read) {
    int batch = (int) input.size(0);
    int steps = (int) input.size(2);
    AwdLstmCore.State start = start(previous, batch);
    try (MemoryWorkspace ignored = workspace()) {
      AwdLstmCore.Pass pass = core().score(params, timeMajor(input), timeMajor(labels), steps, batch, start, weights);
      previous = detached(pass.last());
      return read.apply(pass);
    }
  }

  private static ScoredWindow inDetail(AwdLstmCore.Pass pass) {
    INDArray top = pass.topOutputs();
    return new ScoredWindow(pass.tokenNll(), top.dup('c').data().asFloat(), (int) top.size(1));
  }

  @Override
  public INDArray rnnActivateUsingStoredState(INDArray input, boolean training, boolean storeLastForTBPTT,
      LayerWorkspaceMgr workspaceMgr) {
    setInput(input, workspaceMgr);
    AwdLstmCore.State[] state = new AwdLstmCore.State[1];
    INDArray out = forward(input, previous, training, state, workspaceMgr);
    if (storeLastForTBPTT) tbpttState = state[0];
    return out;
  }

  // --- backward -----------------------------------------------------------------------------

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    if (labels == null) throw new IllegalStateException("AWD-LSTM layer: labels not set");
    Gradient gradient = new DefaultGradient(gradientsFlattened);
    INDArray in = real(input);
    INDArray y = real(labels);
    try (MemoryWorkspace ignored = workspace()) {
      AwdLstmCore.Pass pass = run(in, previous, true, y);
      core().backward(params, pass, timeMajor(y), gradientViews);
      // DL4J's updater divides every gradient by the minibatch size (layers return sums over
      // examples), so hand it B times the gradient of the per-token loss.
      gradientsFlattened.muli(in.size(0));
      // The next TBPTT window starts from here; no gradient flows back across the boundary.
      tbpttState = detached(pass.last());
      lastLoss = pass.loss();
      lastNllSum = pass.nllSum();
      lastTokens = y.length();
    }
    for (Map.Entry<String, INDArray> e : gradientViews.entrySet()) gradient.gradientForVariable().put(e.getKey(), e.getValue());
    // Token ids have no gradient; there is no layer below this one.
    return new Pair<>(gradient, null);
  }

  @Override
  public Pair<Gradient, INDArray> tbpttBackpropGradient(INDArray epsilon, int tbpttBackLength, LayerWorkspaceMgr workspaceMgr) {
    return backpropGradient(epsilon, workspaceMgr);
  }

  // --- IOutputLayer -------------------------------------------------------------------------

  @Override
  public boolean needsLabels() {
    return true;
  }

  @Override
  public void setLabels(INDArray labels) {
    this.labels = labels;
    lastLoss = Double.NaN;
    lastNllSum = Double.NaN;
  }

  @Override
  public INDArray getLabels() {
    return labels;
  }

  /** Per-token training loss (mean NLL + AR + TAR) plus the network's regularisation score. */
  @Override
  public double computeScore(double fullNetRegScore, boolean training, LayerWorkspaceMgr workspaceMgr) {
    if (Double.isNaN(lastLoss)) {
      INDArray y = real(labels);
      try (MemoryWorkspace ignored = workspace()) {
        AwdLstmCore.Pass pass = run(real(input), previous, training, y);
        lastLoss = pass.loss();
        lastNllSum = pass.nllSum();
        lastTokens = y.length();
      }
    }
    score = lastLoss + fullNetRegScore;
    return score;
  }

  /**
   * DL4J's regularization score, with each parameter's L2 term 0.5 * l2 * |p|^2 taken as one BLAS
   * dot: DL4J's own {@code norm2} over the views of the flat parameter vector took 22 ms a call on
   * the small PTB model (6% of a training step), the dots under 1 ms.
   */
  @Override
  public double calcRegularizationScore(boolean backpropParamsOnly) {
    double sum = 0;
    for (Map.Entry<String, INDArray> e : paramTable().entrySet()) {
      List<Regularization> regularizations = layerConf().getRegularizationByParam(e.getKey());
      if (regularizations == null) continue;
      INDArray p = e.getValue().reshape(e.getValue().length());
      for (Regularization r : regularizations) {
        sum += r instanceof L2Regularization l2
            ? 0.5 * l2.getL2().valueAt(getIterationCount(), getEpochCount()) * Nd4j.getBlasWrapper().dot(p, p)
            : r.score(e.getValue(), getIterationCount(), getEpochCount());
      }
    }
    return sum;
  }

  /**
   * The summed NLL of the labels in the last training pass over the current input (the loss
   * without AR, TAR and weight decay): what the trainer reports as training NLL.
   */
  public double trainingNllSum() {
    return lastNllSum;
  }

  /** How many labels {@link #trainingNllSum} sums over: a padded window's real steps times its streams. */
  public long trainingTokens() {
    return lastTokens;
  }

  /** Mean NLL per example, {@code [B, 1]}, without dropout. */
  @Override
  public INDArray computeScoreForExamples(double fullNetRegScore, LayerWorkspaceMgr workspaceMgr) {
    INDArray in = real(input);
    int batch = (int) in.size(0);
    int steps = (int) in.size(2);
    double[] perExample = new double[batch];
    try (MemoryWorkspace ignored = workspace()) {
      AwdLstmCore.Pass pass = run(in, previous, false, real(labels));
      int[] y = timeMajor(real(labels));
      for (int i = 0; i < y.length; i++) perExample[i % batch] -= Math.log(pass.probabilities().getDouble(i, y[i])) / steps;
    }
    INDArray out = workspaceMgr.create(ArrayType.ACTIVATIONS, dataType, batch, 1);
    for (int b = 0; b < batch; b++) out.putScalar(b, 0, perExample[b] + fullNetRegScore);
    return out;
  }

  // --- recurrent state ----------------------------------------------------------------------

  private static Map<String, INDArray> toMap(AwdLstmCore.State s) {
    Map<String, INDArray> m = new LinkedHashMap<>();
    if (s == null) return m;
    for (int l = 0; l < s.h().length; l++) {
      m.put("h" + l, s.h()[l]);
      m.put("c" + l, s.c()[l]);
    }
    return m;
  }

  private AwdLstmCore.State fromMap(Map<String, INDArray> m) {
    if (m == null || m.isEmpty()) return null;
    int layers = spec().nlayers();
    INDArray[] h = new INDArray[layers];
    INDArray[] c = new INDArray[layers];
    for (int l = 0; l < layers; l++) {
      h[l] = m.get("h" + l).detach();
      c[l] = m.get("c" + l).detach();
    }
    return new AwdLstmCore.State(h, c);
  }

  @Override
  public Map<String, INDArray> rnnGetPreviousState() {
    return toMap(previous);
  }

  @Override
  public void rnnSetPreviousState(Map<String, INDArray> stateMap) {
    previous = fromMap(stateMap);
  }

  @Override
  public void rnnClearPreviousState() {
    previous = null;
    tbpttState = null;
  }

  @Override
  public Map<String, INDArray> rnnGetTBPTTState() {
    return toMap(tbpttState);
  }

  @Override
  public void rnnSetTBPTTState(Map<String, INDArray> state) {
    tbpttState = fromMap(state);
  }

  // --- Classifier: a language model is trained through MultiLayerNetwork, not directly ------

  @Override
  public double f1Score(DataSet data) {
    throw new UnsupportedOperationException("f1 score of a language model");
  }

  @Override
  public double f1Score(INDArray examples, INDArray labels) {
    throw new UnsupportedOperationException("f1 score of a language model");
  }

  @Override
  public int numLabels() {
    return spec().vocab();
  }

  @Override
  public void fit(DataSetIterator iter) {
    throw new UnsupportedOperationException("train through MultiLayerNetwork");
  }

  @Override
  public int[] predict(INDArray examples) {
    throw new UnsupportedOperationException("use rnnTimeStep for next-token probabilities");
  }

  @Override
  public java.util.List<String> predict(DataSet dataSet) {
    throw new UnsupportedOperationException("use rnnTimeStep for next-token probabilities");
  }

  @Override
  public void fit(INDArray examples, INDArray labels) {
    throw new UnsupportedOperationException("train through MultiLayerNetwork");
  }

  @Override
  public void fit(DataSet data) {
    throw new UnsupportedOperationException("train through MultiLayerNetwork");
  }

  @Override
  public void fit(INDArray examples, int[] labels) {
    throw new UnsupportedOperationException("train through MultiLayerNetwork");
  }
}
