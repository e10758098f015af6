package dev.awdlm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.testing.LocalCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Spark's GPU scheduling, end to end but without a GPU: a standalone worker whose discovery script
 * reports one GPU with index 3, the settings of conf/spark-gpu.properties, and GpuPlugin in a real
 * executor JVM. Every task must see the address Spark assigned its executor, and the executor
 * must say that this CPU build has no CUDA backend to bind it to.
 */
class GpuPluginIT {
  @TempDir Path tmp;

  @Test
  void tasksSeeTheirAssignedGpuAndTheCpuBuildClaimsNoBinding() throws Exception {
    Path script = tmp.resolve("gpus.sh");
    Files.writeString(script, "#!/usr/bin/env bash\necho '{\"name\":\"gpu\",\"addresses\":[\"3\"]}'\n");
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    SparkConf conf = LocalCluster.conf(1, 1024)
        .set("spark.worker.resource.gpu.amount", "1")
        .set("spark.worker.resource.gpu.discoveryScript", script.toString())
        .set("spark.executor.resource.gpu.amount", "1")
        .set("spark.executor.resource.gpu.discoveryScript", script.toString())
        .set("spark.task.resource.gpu.amount", "1")
        .set("spark.plugins", GpuPlugin.class.getName());
    try (JavaSparkContext sc = new JavaSparkContext(conf)) {
      // What the executor can know on this CPU build: the address Spark assigned, and that no CUDA
      // backend is there to bind to it.
      assertEquals(List.of("executor 0: task GPU 3, no CUDA backend: ND4J runs on the CPU"), GpuBinding.survey(sc));
    }
  }
}
