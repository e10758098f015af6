package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awdlm.testing.LocalCluster;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.SelectedTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The model's unit tests run on libnd4j's generic build, but where the CPU has AVX2 and FMA the jobs
 * load the oneDNN build, and there the model takes other paths: evaluation through the fused LSTM op,
 * and the step loops' products row-major on oneDNN's GEMM. This runs the tests of those paths, and
 * double-precision gradient checks with every regulariser on, in a JVM on the oneDNN build.
 */
class OneDnnBuildIT {
  private static final List<String> TESTS = List.of(
      BuildChoiceTest.class.getName(), StepProductsTest.class.getName(), FusedLstmTest.class.getName(),
      AwdLstmReferenceTest.class.getName(), AwdLstmStateTest.class.getName(), AwdLstmPaddedWindowTest.class.getName(),
      AwdLstmRowScoringTest.class.getName(), AwdLstmRegularizationTest.class.getName(), DropoutMaskTest.class.getName(),
      // invocations 8 and 12 of its CSV: every regulariser at once, tied and untied
      AwdLstmGradientCheckTest.class.getName() + "#gradientsMatchFiniteDifferences(boolean, java.lang.String, double)[8,12]",
      // the evaluator's calls of several windows and the batch scorer, through the fused op with its weights built once
      "dev.awdlm.eval.PerplexityEvaluatorTest", "dev.awdlm.score.BatchScorerTest");

  @Test
  void theModelTestsPassOnTheOneDnnBuild() throws Exception {
    assumeTrue(Files.exists(Path.of("/proc/cpuinfo")), "needs Linux");
    String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
    assumeTrue(flags.contains(" avx2 ") && flags.contains(" fma "), "needs an x86 CPU with AVX2 and FMA");
    assumeTrue(System.getProperty("java.class.path").contains("onednn-avx2") || manifestClassPathHasOneDnn(),
        "needs the build's cpu-onednn profile (not -Pcuda)");

    List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx2g"));
    cmd.addAll(Arrays.asList(LocalCluster.jvmFlags().trim().split("\\s+")));
    cmd.addAll(List.of("-Dorg.bytedeco.javacpp.platform.extension=-onednn-avx2",
        "-cp", System.getProperty("java.class.path"), SelectedTests.class.getName()));
    cmd.addAll(TESTS);
    Processes.Result r = Processes.run(cmd, Map.of(), 600);
    Path log = Path.of("target", "onednn-build-tests.log");
    Files.writeString(log, r.output());
    assertEquals(0, r.exitCode(), "the whole output is in " + log.toAbsolutePath() + "\n" + r.describe());
    assertTrue(r.output().contains("all selected tests passed"), r.describe());
  }

  private static boolean manifestClassPathHasOneDnn() throws Exception {
    // Failsafe may put the classpath in a booter jar's manifest.
    String cp = System.getProperty("java.class.path");
    if (!cp.endsWith(".jar") || cp.contains(java.io.File.pathSeparator)) return false;
    try (var jar = new java.util.jar.JarFile(cp)) {
      String classPath = jar.getManifest().getMainAttributes().getValue("Class-Path");
      return classPath != null && classPath.contains("onednn-avx2");
    }
  }
}
