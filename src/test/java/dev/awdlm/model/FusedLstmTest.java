package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Evaluation's passes through libnd4j's fused lstmLayer op ({@link FusedLstm}) compute what the
 * step loop computes: the same NLL per token, top outputs and last state, from a non-zero state,
 * with the layers of different widths. The op orders its gates differently from the layer, so a
 * wrong reordering of the weights changes every figure.
 */
class FusedLstmTest {
  // emsize 5, nhid 7, 3 layers: the widths 5 -> 7 -> 7 -> 5, as the tied model's
  private static final AwdLstmSpec SPEC = AwdLstmNets.spec(19, 5, 7, 3, true);
  private static final int STEPS = 6;
  private static final int BATCH = 3;

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
  void theFusedOpScoresAsTheStepLoop(DataType type) {
    Map<String, INDArray> params = paramsWithRandomBiases(type, 29, 7);
    int[] tokens = ids(11);
    int[] labels = ids(12);
    AwdLstmCore loop = new AwdLstmCore(SPEC, false, false);
    AwdLstmCore fused = new AwdLstmCore(SPEC, true, false);
    // A state from an earlier window, as stateful evaluation carries it.
    AwdLstmCore.State start = loop.score(params, labels, tokens, STEPS, BATCH, AwdLstmCore.State.zeros(SPEC, BATCH, type)).last();

    AwdLstmCore.Pass expected = loop.score(params, tokens, labels, STEPS, BATCH, start);
    AwdLstmCore.Pass actual = fused.score(params, tokens, labels, STEPS, BATCH, start);

    assertNull(actual.gates[0], "the fused pass keeps no caches for a backward pass");
    double tolerance = type == DataType.DOUBLE ? 1e-10 : 1e-5;
    assertEquals(expected.nllSum(), actual.nllSum(), tolerance * expected.nllSum());
    assertArrayEquals(expected.tokenNll(), actual.tokenNll(), tolerance * 10);
    assertClose(expected.topOutputs(), actual.topOutputs(), tolerance, "top outputs");
    for (int l = 0; l < SPEC.nlayers(); l++) {
      assertClose(expected.last().h()[l], actual.last().h()[l], tolerance, "last h of layer " + l);
      assertClose(expected.last().c()[l], actual.last().c()[l], tolerance, "last c of layer " + l);
    }
    assertTrue(expected.last().c()[0].amaxNumber().doubleValue() > 0.1, "the test's cells are not all near 0");
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
  void paddedRowsScoreAsWithTheStepLoop(DataType type) {
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, type, null, null, 31);
    Map<String, INDArray> params = net.getLayer(0).paramTable();
    int[] tokens = ids(13);
    int[] labels = ids(14);
    int[] lengths = {6, 2, 4};
    AwdLstmCore.State zeros = AwdLstmCore.State.zeros(SPEC, BATCH, type);
    double[] expected = new AwdLstmCore(SPEC, false, false).scoreRows(params, tokens, labels, lengths, STEPS, BATCH, zeros).rowNll();
    AwdLstmCore fused = new AwdLstmCore(SPEC, true, false);
    double[] actual = fused.scoreRows(params, tokens, labels, lengths, STEPS, BATCH, zeros).rowNll();
    assertArrayEquals(expected, actual, type == DataType.DOUBLE ? 1e-9 : 1e-4);
    try (AwdLstmCore.ScoringWeights prepared = fused.scoringWeights(params)) {
      double[] withPrepared = fused.scoreRows(params, tokens, labels, lengths, STEPS, BATCH, zeros, prepared).rowNll();
      assertArrayEquals(expected, withPrepared, type == DataType.DOUBLE ? 1e-9 : 1e-4);
    }
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"DOUBLE", "FLOAT"})
  void weightsPreparedOnceScoreTwoPassesAsWeightsBuiltForEach(DataType type) {
    Map<String, INDArray> params = paramsWithRandomBiases(type, 37, 9);
    AwdLstmCore fused = new AwdLstmCore(SPEC, true, false);
    assertNull(new AwdLstmCore(SPEC, false, false).scoringWeights(params), "the step loop reads the parameters as they are");
    AwdLstmCore.State zeros = AwdLstmCore.State.zeros(SPEC, BATCH, type);
    AwdLstmCore.Pass first = fused.score(params, ids(15), ids(16), STEPS, BATCH, zeros);
    AwdLstmCore.Pass second = fused.score(params, ids(16), ids(17), STEPS, BATCH, first.last());
    double tolerance = type == DataType.DOUBLE ? 1e-12 : 1e-6;
    try (AwdLstmCore.ScoringWeights prepared = fused.scoringWeights(params)) {
      AwdLstmCore.Pass first2 = fused.score(params, ids(15), ids(16), STEPS, BATCH, zeros, prepared);
      AwdLstmCore.Pass second2 = fused.score(params, ids(16), ids(17), STEPS, BATCH, first2.last(), prepared);
      assertEquals(first.nllSum(), first2.nllSum(), tolerance * first.nllSum());
      assertEquals(second.nllSum(), second2.nllSum(), tolerance * second.nllSum());
      for (int l = 0; l < SPEC.nlayers(); l++) {
        assertClose(second.last().h()[l], second2.last().h()[l], tolerance, "last h of layer " + l);
        assertClose(second.last().c()[l], second2.last().c()[l], tolerance, "last c of layer " + l);
      }
    }
  }

  @Test
  void thePreparedCopiesAreWhatIsScoredAndOutliveTheWorkspaceTheyWereBuiltIn() {
    DataType type = DataType.DOUBLE;
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, type, null, null, 43);
    Map<String, INDArray> params = net.getLayer(0).paramTable();
    AwdLstmCore fused = new AwdLstmCore(SPEC, true, false);
    AwdLstmCore.State zeros = AwdLstmCore.State.zeros(SPEC, BATCH, type);
    // The first layer's last state: its recurrent weights move it far more than they move a near-uniform softmax.
    INDArray before = fused.score(params, ids(22), ids(23), STEPS, BATCH, zeros).last().h()[0].dup();
    WorkspaceConfiguration config = WorkspaceConfiguration.builder().initialSize(0).policyAllocation(AllocationPolicy.OVERALLOCATE)
        .policyLearning(LearningPolicy.FIRST_LOOP).policySpill(SpillPolicy.REALLOCATE).build();
    AwdLstmCore.ScoringWeights prepared;
    try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "FUSED_LSTM_TEST")) {
      prepared = fused.scoringWeights(params);
    }
    // The copies keep the weights they were built from: a change to R0 after them is not seen through them.
    INDArray r0 = params.get(AwdLstmCore.recurrentWeights(0));
    Nd4j.getRandom().setSeed(11);
    r0.assign(Nd4j.randn(type, r0.shape()));
    INDArray after = fused.score(params, ids(22), ids(23), STEPS, BATCH, zeros).last().h()[0];
    double moved = before.sub(after).amaxNumber().doubleValue();
    assertTrue(moved > 0.01, "the changed weights give another state: they moved it by " + moved);
    for (int pass = 0; pass < 3; pass++) {
      // Each pass reuses the workspace the copies were built in from its start, as the layer's passes do.
      try (MemoryWorkspace ignored = Nd4j.getWorkspaceManager().getAndActivateWorkspace(config, "FUSED_LSTM_TEST")) {
        assertClose(before, fused.score(params, ids(22), ids(23), STEPS, BATCH, zeros, prepared).last().h()[0], 1e-12,
            "pass " + pass + " with the copies");
      }
    }
    prepared.close();
    assertThrows(IllegalStateException.class, () -> fused.score(params, ids(22), ids(23), STEPS, BATCH, zeros, prepared));
  }

  @Test
  void theLayersScorerScoresAsItsOwnCallsAndRefusesWorkOnceClosed() {
    DataType type = DataType.FLOAT;
    MultiLayerNetwork net = AwdLstmNets.net(SPEC, type, null, null, 41);
    AwdLstmLayerImpl layer = (AwdLstmLayerImpl) net.getLayer(0);
    INDArray[] in = {window(18, type), window(19, type)};
    INDArray[] out = {window(20, type), window(21, type)};
    net.rnnClearPreviousState();
    double own = layer.scoreTimeStep(in[0], out[0]) + layer.scoreTimeStep(in[1], out[1]);
    net.rnnClearPreviousState();
    AwdLstmLayerImpl.Scorer scorer = layer.scorer();
    double shared = scorer.scoreTimeStep(in[0], out[0]) + Arrays.stream(scorer.scoreTimeStepInDetail(in[1], out[1]).tokenNll()).sum();
    scorer.close();
    assertEquals(own, shared, 1e-5 * own);
    assertThrows(IllegalStateException.class, () -> scorer.scoreTimeStep(in[0], out[0]));
  }

  /** {@code [B, 1, T]} random ids, as DL4J passes the layer its input and labels. */
  private static INDArray window(long seed, DataType type) {
    int[] ids = ids(seed);
    double[] d = new double[ids.length];
    for (int i = 0; i < ids.length; i++) d[i] = ids[i];
    return Nd4j.create(d, new long[] {BATCH, 1, STEPS}, 'c').castTo(type);
  }

  /** A net's parameters with random biases: DL4J starts them at 0 (the forget gate's at 1), and random ones make every gate's count. */
  private static Map<String, INDArray> paramsWithRandomBiases(DataType type, long netSeed, long biasSeed) {
    Map<String, INDArray> params = AwdLstmNets.net(SPEC, type, null, null, netSeed).getLayer(0).paramTable();
    Nd4j.getRandom().setSeed(biasSeed);
    for (int l = 0; l < SPEC.nlayers(); l++) params.get(AwdLstmCore.bias(l)).assign(Nd4j.randn(type, 1, 4L * SPEC.hiddenSize(l)));
    return params;
  }

  private static int[] ids(long seed) {
    return new Random(seed).ints(STEPS * BATCH, 0, SPEC.vocab()).toArray();
  }

  private static void assertClose(INDArray expected, INDArray actual, double tolerance, String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    double diff = expected.castTo(DataType.DOUBLE).sub(actual.castTo(DataType.DOUBLE)).amaxNumber().doubleValue();
    assertTrue(diff <= tolerance, what + ": largest difference " + diff);
  }
}
