package dev.awdlm.bench;

import dev.awdlm.model.FusedLstm;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;


/**
 * The FLOP ceiling of this machine as ND4J sees it: float32 GEMM of large square matrices through
 * ND4J's BLAS (OpenBLAS on CPU) and, where libnd4j has oneDNN and may use it, through oneDNN's
 * GEMM too; the higher of the two. Model throughput is quoted as a fraction of this figure.
 */
public final class GemmCeiling {
  private GemmCeiling() {}

  /**
   * @param n matrix size (n x n times n x n: 2n^3 FLOPs)
   * @param threads BLAS threads; restored afterwards
   * @param minSeconds keep multiplying at least this long (after one warm-up product)
   * @return GFLOP/s
   */
  public static double gflops(int n, int threads, double minSeconds) {
    var env = Nd4j.getEnvironment();
    boolean helpers = env.helpersAllowed();
    try {
      // With helpers off, libnd4j's matmul calls OpenBLAS; with them, oneDNN's GEMM where libnd4j has it.
      env.allowHelpers(false);
      double openBlas = timed(n, threads, minSeconds);
      if (!helpers || !FusedLstm.oneDnnBuild()) return openBlas;
      env.allowHelpers(true);
      return Math.max(openBlas, timed(n, threads, minSeconds));
    } finally {
      env.allowHelpers(helpers);
    }
  }

  private static double timed(int n, int threads, double minSeconds) {
    var blas = Nd4j.factory().blas();
    int before = blas.getMaxThreads();
    blas.setMaxThreads(threads);
    try {
      INDArray a = Nd4j.rand(DataType.FLOAT, n, n);
      INDArray b = Nd4j.rand(DataType.FLOAT, n, n);
      INDArray c = Nd4j.create(DataType.FLOAT, n, n);
      a.mmuli(b, c); // warm-up: thread pool start, page faults
      long start = System.nanoTime();
      long reps = 0;
      double elapsed;
      do {
        a.mmuli(b, c);
        reps++;
        elapsed = (System.nanoTime() - start) / 1e9;
      } while (elapsed < minSeconds);
      return 2.0 * n * n * (double) n * reps / elapsed / 1e9;
    } finally {
      blas.setMaxThreads(before);
    }
  }
}
