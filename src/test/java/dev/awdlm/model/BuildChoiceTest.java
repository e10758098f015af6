package dev.awdlm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import org.junit.jupiter.api.Test;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Whether the fused evaluation and the row-major step products are chosen follows the libnd4j
 * build this JVM was asked to load (JavaCPP's platform extension; Surefire loads the generic build,
 * {@code OneDnnBuildIT} the oneDNN one) and whether helpers are allowed.
 */
class BuildChoiceTest {
  private static boolean askedForOneDnn() {
    return System.getProperty("org.bytedeco.javacpp.platform.extension", "").contains("onednn");
  }

  @Test
  void theOneDnnPathsAreChosenExactlyOnTheOneDnnBuild() {
    assertEquals(askedForOneDnn(), FusedLstm.oneDnnBuild(), "the build that loaded");
    assertEquals(askedForOneDnn(), FusedLstm.preferred(), "preferred with helpers allowed");
    AwdLstmCore core = new AwdLstmCore(AwdLstmNets.spec(7, 4, 5, 2, true));
    assertEquals(askedForOneDnn(), core.fusedEvaluation(), "evaluation through the fused op");
    assertEquals(askedForOneDnn(), core.rowMajorSteps(), "row-major step products");
  }

  @Test
  void notWhenHelpersAreDisallowed() {
    boolean before = Nd4j.getEnvironment().helpersAllowed();
    try {
      Nd4j.getEnvironment().allowHelpers(false);
      assertFalse(FusedLstm.preferred());
      AwdLstmCore core = new AwdLstmCore(AwdLstmNets.spec(7, 4, 5, 2, true));
      assertFalse(core.fusedEvaluation());
      assertFalse(core.rowMajorSteps());
    } finally {
      Nd4j.getEnvironment().allowHelpers(before);
    }
  }
}
