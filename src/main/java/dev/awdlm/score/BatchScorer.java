package dev.awdlm.score;

import dev.awdlm.model.AwdLstmCore;
import dev.awdlm.model.AwdLstmLayer;
import dev.awdlm.model.AwdLstmLayerImpl;
import dev.awdlm.model.AwdLstmSpec;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The summed NLL of many independent token sequences, each from a zero state after an
 * {@code <eos>}: sequences are sorted by length, cut into batches of similar lengths, padded at
 * their ends and scored in windows of {@code window} steps, with state carried within a batch.
 * Padding follows a sequence's last token, so it changes none of its predictions, and it is not
 * counted. An AWD-LSTM is scored by {@link AwdLstmCore#scoreRows} without probabilities; any other
 * network through {@code rnnTimeStep}.
 */
public final class BatchScorer {
  /** Probabilities below this are clamped, as in evaluation, so one underflow cannot give infinity. */
  private static final double MIN_PROBABILITY = Float.MIN_VALUE;
  private static final WorkspaceConfiguration WORKSPACE = WorkspaceConfiguration.builder()
      .initialSize(0)
      .policyAllocation(AllocationPolicy.OVERALLOCATE)
      .overallocationLimit(0.2)
      .policyLearning(LearningPolicy.FIRST_LOOP)
      .policySpill(SpillPolicy.REALLOCATE)
      .build();
  private static final String WORKSPACE_ID = "AWDLM_SCORE";

  private final MultiLayerNetwork net;
  private final AwdLstmLayerImpl awd;
  private final int eos;
  private final int window;
  private final int batchSize;

  /** @param eos the id of {@code <eos>}: the context of every first token, and the padding */
  public BatchScorer(MultiLayerNetwork net, int eos, int window, int batchSize) {
    if (window < 1 || batchSize < 1) throw new IllegalArgumentException("window " + window + ", batch " + batchSize);
    this.net = net;
    this.awd = net.getnLayers() == 1 && net.getLayer(0) instanceof AwdLstmLayerImpl a ? a : null;
    this.eos = eos;
    this.window = window;
    this.batchSize = batchSize;
  }

  /** NLL of every token of each sequence (none may be empty), in nats, in the order given. */
  public double[] score(List<int[]> sequences) {
    Integer[] order = new Integer[sequences.size()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, Comparator.comparingInt(i -> sequences.get(i).length));
    double[] nll = new double[order.length];
    // The fused LSTM's weight copies, built once for all the batches rather than once a window.
    try (AwdLstmCore.ScoringWeights prepared = awd != null && !sequences.isEmpty()
        ? new AwdLstmCore(spec()).scoringWeights(awd.paramTable()) : null) {
      for (int from = 0; from < order.length; from += batchSize) {
        int[][] batch = new int[Math.min(batchSize, order.length - from)][];
        for (int r = 0; r < batch.length; r++) batch[r] = sequences.get(order[from + r]);
        double[] sums = scoreBatch(batch, prepared);
        for (int r = 0; r < batch.length; r++) nll[order[from + r]] = sums[r];
      }
    }
    return nll;
  }

  private double[] scoreBatch(int[][] batch, AwdLstmCore.ScoringWeights prepared) {
    int rows = batch.length;
    int longest = batch[rows - 1].length; // sorted ascending
    double[] nll = new double[rows];
    AwdLstmCore.State state = awd != null ? AwdLstmCore.State.zeros(spec(), rows, awd.params().dataType()) : null;
    net.rnnClearPreviousState();
    try {
      for (int t0 = 0; t0 < longest; t0 += window) {
        int steps = Math.min(window, longest - t0);
        Window w = new Window(batch, t0, steps, eos);
        if (awd != null) state = scoreAwd(w, state, nll, prepared);
        else scoreAny(w, nll);
      }
    } finally {
      net.rnnClearPreviousState();
    }
    return nll;
  }

  private AwdLstmSpec spec() {
    return ((AwdLstmLayer) awd.conf().getLayer()).getSpec();
  }

  /**
   * Steps {@code [t0, t0 + steps)} of a batch, time-major: position t of row r reads token t-1 of
   * its sequence ({@code <eos>} before the first) and predicts token t. Rows shorter than that are
   * padded with {@code <eos>}, and {@code lengths} says how many of their steps are real.
   */
  private record Window(int[] inputs, int[] labels, int[] lengths, int steps, int rows) {
    Window(int[][] batch, int t0, int steps, int eos) {
      this(new int[steps * batch.length], new int[steps * batch.length], new int[batch.length], steps, batch.length);
      Arrays.fill(inputs, eos);
      Arrays.fill(labels, eos);
      for (int r = 0; r < rows; r++) {
        int[] seq = batch[r];
        lengths[r] = Math.max(0, Math.min(steps, seq.length - t0));
        for (int t = 0; t < lengths[r]; t++) {
          int at = t0 + t;
          inputs[t * rows + r] = at == 0 ? eos : seq[at - 1];
          labels[t * rows + r] = seq[at];
        }
      }
    }
  }

  /**
   * One window through the AWD-LSTM core, in this scorer's own reused workspace (a pass allocates
   * hundreds of temporaries, which outside a workspace are freed only when the GC runs); only the
   * carried state is detached from it.
   */
  private AwdLstmCore.State scoreAwd(Window w, AwdLstmCore.State state, double[] nll, AwdLstmCore.ScoringWeights prepared) {
    Map<String, INDArray> params = awd.paramTable();
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(WORKSPACE, WORKSPACE_ID)) {
      AwdLstmCore.Pass pass = new AwdLstmCore(spec()).scoreRows(params, w.inputs(), w.labels(), w.lengths(), w.steps(), w.rows(),
          state, prepared);
      for (int r = 0; r < w.rows(); r++) nll[r] += pass.rowNll()[r];
      INDArray[] h = pass.last().h();
      INDArray[] c = pass.last().c();
      INDArray[] hOut = new INDArray[h.length];
      INDArray[] cOut = new INDArray[c.length];
      for (int l = 0; l < h.length; l++) {
        hOut[l] = h[l].detach();
        cOut[l] = c[l].detach();
      }
      return new AwdLstmCore.State(hOut, cOut);
    }
  }

  /** One window through {@code rnnTimeStep}, which carries the network's state to the next one. */
  private void scoreAny(Window w, double[] nll) {
    INDArray features = Nd4j.create(net.params().dataType(), w.rows(), 1, w.steps());
    for (int r = 0; r < w.rows(); r++) {
      for (int t = 0; t < w.steps(); t++) features.putScalar(new long[] {r, 0, t}, w.inputs()[t * w.rows() + r]);
    }
    INDArray probabilities = net.rnnTimeStep(features); // [rows, vocab, steps]
    for (int r = 0; r < w.rows(); r++) {
      for (int t = 0; t < w.lengths()[r]; t++) {
        double p = probabilities.getDouble(r, w.labels()[t * w.rows() + r], t);
        nll[r] -= Math.log(Math.max(MIN_PROBABILITY, p));
      }
    }
  }
}
