// Scratch measurement behind docs/measured-figures.md "Round 5": one 20-row product of the step
// loops at a time, each operand c- or f-order, through libnd4j's matmul op and through Nd4j.gemm
// (the same op: with helpers on both reach oneDNN's GEMM on the oneDNN build), with the error of the
// accumulated result against a double-precision product. Run from the repository root after
// `mvn -B package -DskipTests`:
//
//   CP="$(cat target/runtime-classpath.txt):target/classes"
//   OMP_NUM_THREADS=2 OPENBLAS_CORETYPE=HASWELL java $(cat conf/java17.args) \
//     -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 -cp "$CP" jobs/probes/StepGemmProbe.java
//
// (without the -D, the generic build and OpenBLAS). Each line is one shape MxKxN, then per layout
// AxBxCx (A, B, C orders) the microseconds and GFLOP/s of the op, its error, and Nd4j.gemm's time.
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

public class StepGemmProbe {
  interface Op { void run(); }
  static double time(Op op, int reps) {
    for (int i = 0; i < 20; i++) op.run();
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) op.run();
    return (System.nanoTime() - t0) / 1e3 / reps;
  }
  static void mm(INDArray a, INDArray b, INDArray c, double beta) {
    Nd4j.exec(DynamicCustomOp.builder("matmul").addInputs(a, b).addOutputs(c)
        .addFloatingPointArguments(1.0, beta).addIntegerArguments(0, 0, 0).build());
  }
  public static void main(String[] x) {
    Nd4j.getRandom().setSeed(1);
    int[][] shapes = {{4600, 1150, 20}, {1600, 400, 20}, {1150, 4600, 20}, {400, 1600, 20}, {20, 1150, 4600}, {20, 4600, 1150}, {20, 400, 1600}, {20,1600,400}};
    for (int round = 0; round < 2; round++)
    for (int[] s : shapes) {
      int m = s[0], k = s[1], n = s[2];
      double flop = 2.0 * m * k * n;
      StringBuilder sb = new StringBuilder(m + "x" + k + "x" + n + ":");
      for (char oa : new char[] {'c', 'f'}) for (char ob : new char[] {'c', 'f'}) for (char oc : new char[] {'c', 'f'}) {
        INDArray A = Nd4j.rand(DataType.FLOAT, m, k).dup(oa);
        INDArray B = Nd4j.rand(DataType.FLOAT, k, n).dup(ob);
        INDArray C0 = Nd4j.rand(DataType.FLOAT, m, n).dup(oc);
        INDArray C = C0.dup(oc);
        mm(A, B, C, 1.0);
        INDArray want = A.castTo(DataType.DOUBLE).mmul(B.castTo(DataType.DOUBLE)).addi(C0.castTo(DataType.DOUBLE));
        double err = C.castTo(DataType.DOUBLE).sub(want).amaxNumber().doubleValue() / want.amaxNumber().doubleValue();
        INDArray Cb = C0.dup(oc);
        double us = time(() -> mm(A, B, Cb, 1.0), m * n * k > 1e8 ? 200 : 400);
        double usg = time(() -> Nd4j.gemm(A, B, Cb, false, false, 1.0, 1.0), m * n * k > 1e8 ? 200 : 400);
        sb.append(String.format(" | A%cB%cC%c mm %.0fus %.0fGF err %.0e gemm %.0fus", oa, ob, oc, us, flop / us / 1e3, err, usg));
      }
      System.out.println(sb);
    }
  }
}
