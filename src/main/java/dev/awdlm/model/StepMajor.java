package dev.awdlm.model;

import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The layout of the LSTM step loops: a sequence of {@code [B, F]} step matrices kept as one c-order
 * {@code [T, F, B]} array. Step t's block is then an f-order (column-major) {@code [B, F]} matrix in
 * which every gate's columns are one contiguous run: libnd4j's elementwise ops run about 3x faster
 * on contiguous arrays than on strided views. The 20-row products either multiply these blocks in
 * place (OpenBLAS's fastest layout) or go through c-order copies ({@link #rowBlock}; oneDNN's),
 * as {@link AwdLstmCore} chooses. The GEMMs over all steps at once take time-major rows
 * {@code [T*B, F]} (row t*B + b); converting between the two costs about 1 ns per element.
 */
final class StepMajor {
  private StepMajor() {}

  /** Time-major rows {@code [T*B, F]} (a whole c-order array) as a new {@code [T, F, B]} array. */
  static INDArray of(INDArray rows, int steps, int batch) {
    long features = rows.size(1);
    INDArray out = Nd4j.createUninitialized(rows.dataType(), steps, features, batch);
    out.assign(rows.reshape('c', steps, batch, features).permute(0, 2, 1));
    return out;
  }

  /** Steps {@code [from, to)} of a {@code [T, F, B]} array as new time-major rows {@code [(to-from)*B, F]}. */
  static INDArray rows(INDArray a, int from, int to) {
    long features = a.size(1);
    long batch = a.size(2);
    INDArray out = Nd4j.createUninitialized(a.dataType(), (to - from) * batch, features);
    out.reshape('c', to - from, batch, features).assign(steps(a, from, to).permute(0, 2, 1));
    return out;
  }

  /** Steps {@code [from, to)} of a {@code [T, F, B]} array, as a view. */
  static INDArray steps(INDArray a, int from, int to) {
    long features = a.size(1);
    long batch = a.size(2);
    return Nd4j.create(a.data(), new long[] {to - from, features, batch}, new long[] {features * batch, batch, 1},
        a.offset() + from * features * batch, 'c');
  }

  // Views are built straight from the buffer: INDArray.get(NDArrayIndex...) resolves indexes
  // generically and costs ~60 us a view, several times the work of a step's elementwise op.

  /** Columns {@code [from, to)} of step t as a contiguous f-order {@code [B, to-from]} view. */
  static INDArray block(INDArray a, int t, long from, long to) {
    long features = a.size(1);
    long batch = a.size(2);
    return Nd4j.create(a.data(), new long[] {batch, to - from}, new long[] {1, batch},
        a.offset() + (t * features + from) * batch, 'f');
  }

  /** Step t's rows of time-major rows {@code [T*B, F]} (a whole c-order array), as a c-order {@code [B, F]} view. */
  static INDArray rowBlock(INDArray rows, int t, int batch) {
    long features = rows.size(1);
    return Nd4j.create(rows.data(), new long[] {batch, features}, new long[] {features, 1},
        rows.offset() + t * batch * features, 'c');
  }
}
