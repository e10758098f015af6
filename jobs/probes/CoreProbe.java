// Scratch measurements behind docs/measured-figures.md "Round 3": AwdLstmCore's passes timed
// directly, without DL4J or Spark. Not a benchmark of record (bench model is): it answers three
// questions the bench cannot. Run from the repository root after `mvn -B package -DskipTests`:
//
//   CP="$(cat target/runtime-classpath.txt):target/classes"
//   OMP_NUM_THREADS=1 OPENBLAS_CORETYPE=SKYLAKEX java -cp "$CP" jobs/probes/CoreProbe.java small
//
// (full: 400/1150, bptt 70). It prints, twice each:
//  1. the sgemm ceiling (2048^3) on 1 thread, on 2 BLAS threads, and as 2 concurrent 1-thread GEMMs;
//  2. the evaluation pass at 10 streams split into decoder GEMM, bias, softmax, and the whole pass,
//     against libnd4j's fused lstmLayer op doing the 3 LSTM layers;
//  3. training (batch 20) and evaluation (10 streams) tokens/s with one thread on 2 BLAS threads,
//     as bench model runs them, and with two threads on one core each, as local[2] runs them.
import dev.awdlm.model.AwdLstmCore;
import dev.awdlm.model.AwdLstmSpec;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.memory.enums.AllocationPolicy;
import org.nd4j.linalg.api.memory.enums.LearningPolicy;
import org.nd4j.linalg.api.memory.enums.MirroringPolicy;
import org.nd4j.linalg.api.memory.enums.SpillPolicy;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.impl.transforms.custom.SoftMax;
import org.nd4j.linalg.factory.Nd4j;

public class CoreProbe {
  // As AwdLstmLayerImpl's: outside a workspace every pass pays native allocations.
  static final WorkspaceConfiguration WS = WorkspaceConfiguration.builder().initialSize(0)
      .policyAllocation(AllocationPolicy.OVERALLOCATE).overallocationLimit(0.2).policyLearning(LearningPolicy.FIRST_LOOP)
      .policySpill(SpillPolicy.REALLOCATE).policyMirroring(MirroringPolicy.FULL).build();
  static final int V = 10000;

  static MemoryWorkspace ws(String id) {
    return Nd4j.getWorkspaceManager().getAndActivateWorkspace(WS, id);
  }

  public static void main(String[] args) throws Exception {
    boolean full = args.length > 0 && args[0].equals("full");
    int em = full ? 400 : 200, nh = full ? 1150 : 400, steps = full ? 70 : 35;
    int evalReps = full ? 6 : 40, trainReps = full ? 3 : 12;
    Nd4j.setDefaultDataTypes(DataType.FLOAT, DataType.FLOAT);
    Nd4j.getEnvironment().setMaxMasterThreads(1);
    Nd4j.getEnvironment().setMaxThreads(1);
    AwdLstmSpec spec = new AwdLstmSpec(V, em, nh, 3, 0.4, 0.3, 0.65, 0.1, 0.5, true, 2, 1);
    Map<String, INDArray> params = new HashMap<>();
    for (Map.Entry<String, long[]> e : spec.parameterShapes().entrySet()) {
      INDArray p = Nd4j.create(DataType.FLOAT, e.getValue());
      spec.initialize(e.getKey(), p);
      params.put(e.getKey(), p);
    }
    AwdLstmCore core = new AwdLstmCore(spec);
    for (int round = 0; round < 2; round++) {
      blas(1);
      double one = sgemm();
      blas(2);
      double two = sgemm();
      blas(1);
      double both = twice(CoreProbe::sgemm);
      System.out.printf("sgemm 2048^3: 1 thread %.1f, 2 BLAS threads %.1f, 2 concurrent 1-thread GEMMs %.1f GFLOP/s%n", one, two, both);

      blas(2);
      evalParts(core, spec, params, steps, 10, evalReps);
      double trainOne = train(core, spec, params, steps, 20, trainReps);
      double evalOne = eval(core, spec, params, steps, 10, evalReps);
      blas(1);
      double trainTwo = twice(() -> train(core, spec, params, steps, 20, trainReps));
      double evalTwo = twice(() -> eval(core, spec, params, steps, 10, evalReps));
      System.out.printf("one thread, 2 BLAS threads: training %.0f tokens/s, evaluation %.0f (%.2fx)%n", trainOne, evalOne, evalOne / trainOne);
      System.out.printf("two threads, 1 core each:   training %.0f tokens/s, evaluation %.0f (%.2fx); %.2fx and %.2fx the one-thread figures%n",
          trainTwo, evalTwo, evalTwo / trainTwo, trainTwo / trainOne, evalTwo / evalOne);
    }
  }

  static void blas(int threads) {
    Nd4j.factory().blas().setMaxThreads(threads);
  }

  static double twice(Callable<Double> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<Double> a = pool.submit(task);
      Future<Double> b = pool.submit(task);
      return a.get() + b.get();
    } finally {
      pool.shutdown();
    }
  }

  static double sgemm() {
    int n = 2048, reps = 10;
    INDArray a = Nd4j.rand(DataType.FLOAT, n, n), b = Nd4j.rand(DataType.FLOAT, n, n), c = Nd4j.create(DataType.FLOAT, n, n);
    Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    long t0 = System.nanoTime();
    for (int i = 0; i < reps; i++) Nd4j.gemm(a, b, c, false, false, 1.0, 0.0);
    return 2.0 * n * n * n * reps / (System.nanoTime() - t0);
  }

  static int[] ids(int n, long seed) {
    Random r = new Random(seed);
    int[] out = new int[n];
    for (int i = 0; i < n; i++) out[i] = r.nextInt(V);
    return out;
  }

  static double eval(AwdLstmCore core, AwdLstmSpec spec, Map<String, INDArray> params, int steps, int batch, int reps) {
    int[] tokens = ids(steps * batch, Thread.currentThread().getId()), labels = ids(steps * batch, 7);
    AwdLstmCore.State start = AwdLstmCore.State.zeros(spec, batch, DataType.FLOAT);
    long t0 = 0;
    for (int w = 0; w < reps + 5; w++) {
      if (w == 5) t0 = System.nanoTime();
      try (MemoryWorkspace ignored = ws("eval")) {
        core.score(params, tokens, labels, steps, batch, start);
      }
    }
    return (double) steps * batch * reps / ((System.nanoTime() - t0) / 1e9);
  }

  /** Forward with fresh masks, backward, and a plain SGD step on this thread's own copy of the parameters. */
  static double train(AwdLstmCore core, AwdLstmSpec spec, Map<String, INDArray> shared, int steps, int batch, int reps) {
    Map<String, INDArray> params = new HashMap<>(), grads = new HashMap<>();
    for (Map.Entry<String, INDArray> e : shared.entrySet()) {
      params.put(e.getKey(), e.getValue().dup());
      grads.put(e.getKey(), e.getValue().like());
    }
    int[] tokens = ids(steps * batch, Thread.currentThread().getId()), labels = ids(steps * batch, 11);
    AwdLstmCore.State start = AwdLstmCore.State.zeros(spec, batch, DataType.FLOAT);
    long t0 = 0;
    for (int w = 0; w < reps + 2; w++) {
      if (w == 2) t0 = System.nanoTime();
      try (MemoryWorkspace ignored = ws("train")) {
        AwdLstmCore.Pass pass = core.forward(params, tokens, steps, batch, start, AwdLstmCore.Masks.draw(spec, batch, DataType.FLOAT), labels);
        core.backward(params, pass, labels, grads);
        for (Map.Entry<String, INDArray> e : params.entrySet()) e.getValue().subi(grads.get(e.getKey()).mul(0.01));
      }
    }
    return (double) steps * batch * reps / ((System.nanoTime() - t0) / 1e9);
  }

  /** The evaluation pass's decoder in pieces, and the 3 LSTM layers as libnd4j's fused lstmLayer op. */
  static void evalParts(AwdLstmCore core, AwdLstmSpec spec, Map<String, INDArray> params, int steps, int batch, int reps) {
    int n = steps * batch;
    INDArray top = Nd4j.rand(DataType.FLOAT, n, spec.emsize());
    double gemm = 0, bias = 0, softmax = 0;
    for (int w = 0; w < reps; w++) {
      try (MemoryWorkspace ignored = ws("parts")) {
        long a = System.nanoTime();
        INDArray logits = Nd4j.gemm(top, params.get(AwdLstmCore.EMBEDDING), false, true);
        long b = System.nanoTime();
        logits.addiRowVector(params.get(AwdLstmCore.DECODER_BIAS));
        long c = System.nanoTime();
        Nd4j.exec(new SoftMax(logits, logits, 1));
        long d = System.nanoTime();
        gemm += b - a;
        bias += c - b;
        softmax += d - c;
      }
    }
    INDArray x0 = Nd4j.rand(DataType.FLOAT, steps, batch, spec.emsize());
    long t0 = 0;
    for (int w = 0; w < reps + 3; w++) {
      if (w == 3) t0 = System.nanoTime();
      try (MemoryWorkspace ignored = ws("op")) {
        INDArray x = x0;
        for (int l = 0; l < spec.nlayers(); l++) {
          int h = spec.hiddenSize(l);
          INDArray y = Nd4j.createUninitialized(DataType.FLOAT, steps, batch, h);
          // M2's LSTMLayer(INDArray...) constructor passes its inputs as outputs, so the op is built by name.
          // Its gate order is i, f, g, o (ours i, f, o, g): the timing does not depend on it, the values would.
          Nd4j.exec(DynamicCustomOp.builder("lstmLayer")
              .addInputs(x, params.get(AwdLstmCore.inputWeights(l)), params.get(AwdLstmCore.recurrentWeights(l)),
                  params.get(AwdLstmCore.bias(l)).reshape(4L * h), Nd4j.zeros(DataType.FLOAT, batch, h), Nd4j.zeros(DataType.FLOAT, batch, h))
              .addOutputs(y, Nd4j.createUninitialized(DataType.FLOAT, batch, h), Nd4j.createUninitialized(DataType.FLOAT, batch, h))
              .addIntegerArguments(0, 0, 2, 0, 0) // TNS, forward, sigmoid gates, tanh cell and output
              .addFloatingPointArguments(0.0) // no cell clipping
              .addBooleanArguments(true, false, true, true, false, true, true, true)
              .build());
          x = y;
        }
      }
    }
    double op = (System.nanoTime() - t0) / 1e6 / reps;
    double pass = n / eval(core, spec, params, steps, batch, reps) * 1000;
    System.out.printf("evaluation pass at %d streams: %.1f ms (decoder GEMM %.1f, bias %.1f, softmax %.1f); lstmLayer op for the 3 layers alone %.1f ms%n",
        batch, pass, gemm / 1e6 / reps, bias / 1e6 / reps, softmax / 1e6 / reps, op);
  }
}
