package dev.awdlm.model;

import java.util.HashMap;
import java.util.Map;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The effective dropout masks of one minibatch, as the training code applies them, for the
 * notebook's heatmaps. Each mask is applied to an array of ones through the same call the model
 * uses, so the figures show what the code does, not a re-implementation. Values are inverted
 * dropout: 0 (dropped) or 1/(1-p) (kept).
 */
public final class MaskFigures {
  private MaskFigures() {}

  /**
   * DL4J's standard dropout on a sequence, as on the stock LSTM's inputs: {@code [steps, units]},
   * a fresh Bernoulli draw for every step and unit.
   */
  public static double[][] perStep(int steps, int units, double p, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray ones = Nd4j.ones(DataType.FLOAT, 1, units, steps); // [batch, features, time], DL4J's NCW
    INDArray out = new Dropout(1 - p).applyDropout(ones, Nd4j.createUninitialized(DataType.FLOAT, 1, units, steps), 0, 0,
        LayerWorkspaceMgr.noWorkspaces());
    return toDouble(out.reshape(units, steps).transpose());
  }

  /** AWD-LSTM's locked dropout for one sequence: {@code [steps, units]}, one mask shared by every step. */
  public static double[][] locked(int steps, int units, double p, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray x = Nd4j.ones(DataType.FLOAT, steps, units); // [steps * batch, features] with batch 1
    AwdLstmCore.lockedMul(x, Dropouts.locked(1, units, p, DataType.FLOAT), steps, 1);
    return toDouble(x);
  }

  /**
   * Weight drop on a hidden-to-hidden matrix {@code W_hh} of {@code [hidden, 4*hidden]}: one mask,
   * used unchanged for every step and example of the minibatch.
   */
  public static double[][] weightDrop(int hidden, double p, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray w = Nd4j.ones(DataType.FLOAT, hidden, 4L * hidden);
    return toDouble(w.mul(Dropouts.weights(hidden, 4L * hidden, p, DataType.FLOAT)));
  }

  /**
   * Embedding dropout over the first {@code rows} vocabulary rows of a {@code [vocab, emsize]}
   * embedding of ones: what AwdLstmCore's own forward pass feeds its first LSTM, with its masks
   * drawn as in training and only embedding dropout on. Word i is step i of one sequence.
   */
  public static double[][] embedding(int vocab, int rows, int emsize, double p, long seed) {
    AwdLstmSpec spec = new AwdLstmSpec(vocab, emsize, 1, 1, 0, 0, 0, p, 0, false, 0, 0);
    Map<String, INDArray> params = new HashMap<>();
    spec.parameterShapes().forEach((name, shape) -> params.put(name, Nd4j.zeros(DataType.FLOAT, shape)));
    params.get(AwdLstmCore.EMBEDDING).assign(1);
    int[] words = new int[rows];
    for (int i = 0; i < rows; i++) words[i] = i;
    Nd4j.getRandom().setSeed(seed);
    AwdLstmCore.Masks masks = AwdLstmCore.Masks.draw(spec, 1, DataType.FLOAT);
    AwdLstmCore.Pass pass = new AwdLstmCore(spec).forward(params, words, rows, 1,
        AwdLstmCore.State.zeros(spec, 1, DataType.FLOAT), masks, null);
    return toDouble(pass.inputs[0]);
  }

  private static double[][] toDouble(INDArray m) {
    return m.castTo(DataType.DOUBLE).toDoubleMatrix();
  }
}
