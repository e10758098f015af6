package dev.awdlm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.spark.CudaSupport.Capability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The -Pcuda build's native code is cubins for sm_37 to sm_86 and no PTX: which compute
 * capabilities that runs on, and what an executor does on a GPU outside them.
 */
class CudaSupportTest {
  @TempDir Path tmp;

  private static Optional<String> refusal(String capability) {
    return CudaSupport.refusal("a GPU", Capability.parse(capability));
  }

  @Test
  void keplerK80ToAdaRunOnTheShippedCubins() {
    // A cubin for sm_XY runs on X.Z for Z >= Y: 5.3 on sm_52, 8.9 (Ada) on sm_86.
    for (String cc : List.of("3.7", "5.0", "5.3", "6.1", "7.0", "7.5", "8.0", "8.6", "8.9")) {
      assertEquals(Optional.empty(), refusal(cc), cc);
    }
  }

  @Test
  void olderKeplerHopperAndBlackwellHaveNoCodeToRun() {
    for (String cc : List.of("3.0", "3.5", "9.0", "10.0", "12.0")) assertTrue(refusal(cc).isPresent(), cc);
    String message = CudaSupport.refusal("GPU 3 (NVIDIA H200)", Capability.parse("9.0")).orElseThrow();
    assertTrue(message.startsWith("GPU 3 (NVIDIA H200) has compute capability 9.0, "), message);
    assertTrue(message.contains(CudaSupport.SUPPORTED), message);
  }

  @Test
  void aCapabilityIsMajorDotMinor() {
    assertEquals(new Capability(10, 0), Capability.parse("10.0"));
    assertEquals("8.9", Capability.parse(" 8.9").toString());
    assertThrows(IllegalArgumentException.class, () -> Capability.parse("[N/A]"));
  }

  private String nvidiaSmi(String answer) throws Exception {
    Path script = tmp.resolve("nvidia-smi");
    Files.writeString(script, String.join("\n", "#!/usr/bin/env bash",
        "[[ \"$*\" == \"--query-gpu=name,compute_cap --format=csv,noheader -i 3\" ]] || { echo \"args: $*\"; exit 9; }",
        answer, ""));
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
    return script.toString();
  }

  @Test
  void anExecutorOnAHopperGpuFailsNamingTheGpuAndTheRange() throws Exception {
    String smi = nvidiaSmi("echo 'NVIDIA H200, 9.0'");
    var e = assertThrows(IllegalStateException.class, () -> CudaSupport.check(3, smi));
    assertEquals(CudaSupport.refusal("GPU 3 (NVIDIA H200)", new Capability(9, 0)).orElseThrow(), e.getMessage());
  }

  @Test
  void anExecutorOnAnAdaGpuStarts() throws Exception {
    String smi = nvidiaSmi("echo 'NVIDIA GeForce RTX 4090, 8.9'");
    assertEquals("GPU 3 (NVIDIA GeForce RTX 4090), compute capability 8.9: supported by this build", CudaSupport.check(3, smi));
  }

  @Test
  void aCapabilityThatCannotBeReadIsNotChecked() throws Exception {
    // Drivers before R510 have no compute_cap field; every Hopper or Blackwell driver has it.
    String smi = nvidiaSmi("echo 'Field \"compute_cap\" is not a valid field to query.'; exit 2");
    String what = CudaSupport.check(3, smi);
    assertTrue(what.startsWith("cannot read the compute capability of GPU 3"), what);
    assertTrue(what.contains("is not a valid field"), "nvidia-smi's own words: " + what);
    String missing = CudaSupport.check(3, tmp.resolve("no-such-nvidia-smi").toString());
    assertTrue(missing.startsWith("cannot read the compute capability of GPU 3"), missing);
  }

  @Test
  void aHungDriverDoesNotStallTheExecutorsStart() throws Exception {
    String smi = nvidiaSmi("sleep 60");
    long start = System.nanoTime();
    String what = CudaSupport.check(3, smi, 1);
    assertTrue(what.startsWith("cannot read the compute capability of GPU 3") && what.contains("did not answer within 1 s"), what);
    assertTrue((System.nanoTime() - start) / 1e9 < 30, "gave up on the hung query instead of waiting for it");
  }
}
