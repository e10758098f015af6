package dev.awdlm.spark;

import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.apache.spark.api.plugin.SparkPlugin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code spark.plugins=dev.awdlm.spark.GpuPlugin}: binds each executor to its GPU when the executor
 * starts. It has to be then, not inside a task: dl4j-spark builds the worker's network (and so
 * allocates on a device) before any user code runs in the task. A CUDA build first checks that it
 * has code for the GPU ({@link CudaSupport}); when it has not, init throws, and Spark exits the
 * executor with "Unable to create executor due to" and the message.
 */
public final class GpuPlugin implements SparkPlugin {
  private static final Logger LOG = LoggerFactory.getLogger(GpuPlugin.class);

  @Override
  public DriverPlugin driverPlugin() {
    return null;
  }

  @Override
  public ExecutorPlugin executorPlugin() {
    return new ExecutorPlugin() {
      @Override
      public void init(PluginContext ctx, Map<String, String> extraConf) {
        OptionalInt device = GpuBinding.device(ctx.resources());
        // Before binding, which starts ND4J's CUDA backend on the device.
        if (device.isPresent() && GpuBinding.cudaBackend()) CudaSupport.check(device.getAsInt(), "nvidia-smi");
        LOG.info("gpu: executor {}: {}", ctx.executorID(), GpuBinding.bind(ctx.resources()));
      }
    };
  }
}
