// Scratch measurement behind docs/measured-figures.md "Round 4": libnd4j's fused lstmLayer op for the
// small model's 3 layers (200 -> 400 -> 400 -> 200) at 10 streams and 35 steps, float32, with libnd4j's
// helpers (oneDNN) allowed globally or not, and per op through an OpContext. Run from the repository
// root after `mvn -B package -DskipTests`, on a CPU with AVX2:
//
//   OMP_NUM_THREADS=1 java -Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2 \
//     -cp "$(cat target/runtime-classpath.txt)" jobs/probes/OneDnnLstmProbe.java
//
// (an empty extension loads the generic build). Helpers are used only when both the global switch and
// the op's context allow them: a context cannot turn them on when the global switch is off.
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;
public class OneDnnLstmProbe {
  static int T = 35, B = 10;
  static int[] in = {200, 400, 400}, hid = {400, 400, 200};
  static INDArray[] W = new INDArray[3], R = new INDArray[3], b = new INDArray[3];
  static double run(Boolean ctxHelpers, int reps) {
    INDArray x0 = Nd4j.rand(DataType.FLOAT, T, B, 200);
    long t0 = 0;
    for (int w = 0; w < reps + 3; w++) {
      if (w == 3) t0 = System.nanoTime();
      INDArray x = x0;
      for (int l = 0; l < 3; l++) {
        int h = hid[l];
        INDArray y = Nd4j.createUninitialized(DataType.FLOAT, T, B, h);
        DynamicCustomOp op = DynamicCustomOp.builder("lstmLayer")
            .addInputs(x, W[l], R[l], b[l], Nd4j.zeros(DataType.FLOAT, B, h), Nd4j.zeros(DataType.FLOAT, B, h))
            .addOutputs(y, Nd4j.createUninitialized(DataType.FLOAT, B, h), Nd4j.createUninitialized(DataType.FLOAT, B, h))
            .addIntegerArguments(0, 0, 2, 0, 0).addFloatingPointArguments(0.0)
            .addBooleanArguments(true, false, true, true, false, true, true, true).build();
        if (ctxHelpers == null) Nd4j.exec(op);
        else {
          try (OpContext ctx = Nd4j.getExecutioner().buildContext()) {
            ctx.allowHelpers(ctxHelpers);
            ctx.setInputArrays(op.inputArguments());
            ctx.setOutputArrays(op.outputArguments());
            ctx.setIArguments(0, 0, 2, 0, 0);
            ctx.setTArguments(0.0);
            ctx.setBArguments(true, false, true, true, false, true, true, true);
            Nd4j.exec(op, ctx);
          } catch (Exception e) { throw new RuntimeException(e); }
        }
        x = y;
      }
    }
    return (System.nanoTime() - t0) / 1e6 / reps;
  }
  public static void main(String[] a) {
    for (int l = 0; l < 3; l++) { W[l] = Nd4j.rand(DataType.FLOAT, in[l], 4 * hid[l]).subi(0.5).muli(0.1); R[l] = Nd4j.rand(DataType.FLOAT, hid[l], 4 * hid[l]).subi(0.5).muli(0.1); b[l] = Nd4j.zeros(DataType.FLOAT, 4 * hid[l]); }
    for (int rep = 0; rep < 2; rep++) {
      Nd4j.getEnvironment().allowHelpers(true);
      System.out.printf("global on, plain exec: %.1f ms%n", run(null, 20));
      System.out.printf("global on, ctx off: %.1f ms%n", run(false, 20));
      Nd4j.getEnvironment().allowHelpers(false);
      System.out.printf("global off, plain exec: %.1f ms%n", run(null, 20));
      System.out.printf("global off, ctx on: %.1f ms%n", run(true, 20));
    }
  }
}
