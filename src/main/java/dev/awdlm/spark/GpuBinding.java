package dev.awdlm.spark;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.resource.ResourceInformation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Binds ND4J in an executor JVM to the GPU Spark assigned it. With {@code
 * spark.executor.resource.gpu.amount=1} and {@code spark.task.resource.gpu.amount=1} the executor
 * owns one address, and every task it runs sees that same address in {@code
 * TaskContext.resources()}. Without binding, ND4J's CUDA backend spreads threads over every GPU in
 * the machine, so two executors on one host would share devices.
 */
public final class GpuBinding {
  private static final Logger LOG = LoggerFactory.getLogger(GpuBinding.class);

  /** Set in the executor JVM to the device index once ND4J is bound to it, so tasks can report the binding. */
  public static final String PROPERTY = "awdlm.gpu.device";

  static final String CUDA_ENVIRONMENT = "org.nd4j.jita.conf.CudaEnvironment";

  private GpuBinding() {}

  /**
   * What every executor reports, one task per slot: the GPU address its task was assigned in
   * {@code TaskContext.resources()} and what ND4J does with it ({@link #state()}). The driver logs
   * it when GPU scheduling is on, so a misconfigured cluster shows up before training.
   */
  public static List<String> survey(JavaSparkContext sc) {
    int slots = Math.max(1, sc.defaultParallelism());
    List<Integer> tasks = new ArrayList<>();
    for (int i = 0; i < slots; i++) tasks.add(i);
    List<String> seen = sc.parallelize(tasks, slots).map(new TaskBinding()).collect();
    return seen.stream().distinct().sorted().toList();
  }

  /** {@code executor 1: task GPU 0, ND4J bound to GPU 0}; runs in the task. */
  static final class TaskBinding implements Function<Integer, String> {
    private static final long serialVersionUID = 1L;

    @Override
    public String call(Integer ignored) {
      TaskContext task = TaskContext.get();
      String assigned = task.resources().get("gpu").map(r -> String.join(",", r.addresses())).getOrElse(() -> "none");
      return "executor " + SparkEnv.get().executorId() + ": task GPU " + assigned + ", " + state();
    }
  }

  /** What this JVM's ND4J does with its GPU: the device {@link #bind} bound, or why there is none. */
  static String state() {
    if (!cudaBackend()) return "no CUDA backend: ND4J runs on the CPU";
    String bound = System.getProperty(PROPERTY);
    return bound == null ? "ND4J's CUDA backend not bound (is " + GpuPlugin.class.getName() + " in spark.plugins?)"
        : "ND4J bound to GPU " + bound;
  }

  /**
   * Whether this build carries ND4J's CUDA backend ({@code -Pcuda}). Only looks the class up: loading
   * it would start the backend, which must wait until the device is known to be usable.
   */
  static boolean cudaBackend() {
    try {
      Class.forName(CUDA_ENVIRONMENT, false, GpuBinding.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** The GPU index in Spark's resource map ({@code gpu} → addresses), if one was assigned. */
  public static OptionalInt device(Map<String, ResourceInformation> resources) {
    ResourceInformation gpu = resources == null ? null : resources.get("gpu");
    if (gpu == null || gpu.addresses().length == 0) return OptionalInt.empty();
    String address = gpu.addresses()[0].trim();
    try {
      return OptionalInt.of(Integer.parseInt(address));
    } catch (NumberFormatException e) {
      throw new IllegalStateException("GPU address '" + address + "' from Spark's discovery script is not a device index;"
          + " conf/gpu-discovery.sh must print nvidia-smi indices", e);
    }
  }

  /**
   * Restricts ND4J's CUDA backend to the assigned device and records it in {@link #PROPERTY}.
   * Returns what was done, for the log: nothing without a GPU or without a CUDA backend.
   */
  public static String bind(Map<String, ResourceInformation> resources) {
    OptionalInt device = device(resources);
    if (device.isEmpty()) return "no GPU assigned: ND4J runs on the CPU backend's threads";
    if (!cudaBackend()) return "GPU " + device.getAsInt() + " assigned, no CUDA backend: ND4J runs on the CPU";
    if (resources.get("gpu").addresses().length > 1) {
      LOG.warn("gpu: executor has {} GPUs; awdlm trains one model per executor and uses only the first",
          resources.get("gpu").addresses().length);
    }
    try {
      Class<?> env = Class.forName(CUDA_ENVIRONMENT);
      Object configuration = env.getMethod("getConfiguration").invoke(env.getMethod("getInstance").invoke(null));
      Method useDevice = configuration.getClass().getMethod("useDevice", Integer.class);
      useDevice.invoke(configuration, device.getAsInt());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot bind ND4J to GPU " + device.getAsInt() + ": " + e, e);
    }
    System.setProperty(PROPERTY, Integer.toString(device.getAsInt()));
    return "bound ND4J's CUDA backend to GPU " + device.getAsInt();
  }
}
