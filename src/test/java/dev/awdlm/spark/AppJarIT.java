package dev.awdlm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.testing.LocalCluster;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/** The application jar carries awdlm and DL4J, leaves Spark/Scala/Hadoop to the cluster, and merges resources. */
class AppJarIT {

  @Test
  void appJarHasWhatExecutorsNeedAndNothingClustersProvide() throws Exception {
    try (JarFile jar = new JarFile(LocalCluster.appJar().toFile())) {
      assertEquals("dev.awdlm.cli.AwdlmCommand", jar.getManifest().getMainAttributes().getValue("Main-Class"));
      for (String needed : new String[] {
          "dev/awdlm/cli/AwdlmCommand.class",
          "dev/awdlm/spark/AwdlmKryoRegistrator.class",
          "dev/awdlm/ml/LanguageModelScorer.class",
          "org/deeplearning4j/spark/impl/paramavg/ParameterAveragingTrainingMaster.class",
          "org/nd4j/linalg/cpu/nativecpu/CpuBackend.class",
          "org/nd4j/linalg/cpu/nativecpu/bindings/linux-x86_64/libnd4jcpu.so",
          "picocli/CommandLine.class",
          "com/typesafe/config/Config.class",
          "org/knowm/xchart/XYChart.class"}) {
        assertNotNull(jar.getEntry(needed), "missing " + needed);
      }
      for (String provided : new String[] {
          "org/apache/spark/SparkContext.class",
          "scala/Predef.class",
          "org/apache/hadoop/fs/FileSystem.class",
          "org/apache/spark/ml/Transformer.class",
          "breeze/linalg/DenseVector.class",
          "com/esotericsoftware/kryo/Kryo.class",
          "org/apache/logging/log4j/Logger.class"}) {
        assertNull(jar.getEntry(provided), provided + " is the cluster's and must not be shaded in");
      }
      // reference.conf files are appended, so ours (the awdlm keys) is in the merged one.
      String reference = read(jar, jar.getEntry("reference.conf"));
      assertTrue(reference.contains("windowsPerShard") && reference.contains("averagingFrequency"), reference);
      // ServiceLoader files are merged, so ND4J still finds its CPU backend.
      String backends = read(jar, jar.getEntry("META-INF/services/org.nd4j.linalg.factory.Nd4jBackend"));
      assertTrue(backends.contains("org.nd4j.linalg.cpu.nativecpu.CpuBackend"), backends);
    }
  }

  private static String read(JarFile jar, ZipEntry entry) throws Exception {
    assertNotNull(entry);
    try (InputStream in = jar.getInputStream(entry)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
