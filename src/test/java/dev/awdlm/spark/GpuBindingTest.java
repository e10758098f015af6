package dev.awdlm.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.OptionalInt;
import org.apache.spark.resource.ResourceInformation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GpuBindingTest {
  private static Map<String, ResourceInformation> gpus(String... addresses) {
    return Map.of("gpu", new ResourceInformation("gpu", addresses));
  }

  @AfterEach
  void clear() {
    System.clearProperty(GpuBinding.PROPERTY);
  }

  @Test
  void theFirstAssignedAddressIsTheDevice() {
    assertEquals(OptionalInt.of(2), GpuBinding.device(gpus("2")));
    assertEquals(OptionalInt.of(1), GpuBinding.device(gpus(" 1", "3")));
  }

  @Test
  void noGpuResourceMeansNoBinding() {
    assertEquals(OptionalInt.empty(), GpuBinding.device(Map.of()));
    assertEquals(OptionalInt.empty(), GpuBinding.device(null));
    assertEquals(OptionalInt.empty(), GpuBinding.device(gpus()));
    assertTrue(GpuBinding.bind(Map.of()).startsWith("no GPU assigned"));
    assertEquals(null, System.getProperty(GpuBinding.PROPERTY));
  }

  @Test
  void anAddressThatIsNotAnIndexIsAClearError() {
    var e = assertThrows(IllegalStateException.class, () -> GpuBinding.device(gpus("GPU-5f2a")));
    assertTrue(e.getMessage().contains("'GPU-5f2a'"), e.getMessage());
  }

  @Test
  void onTheCpuBuildAnAssignedGpuIsReportedAndNotClaimedAsBound() {
    String what = GpuBinding.bind(gpus("1"));
    assertEquals("GPU 1 assigned, no CUDA backend: ND4J runs on the CPU", what);
    assertEquals(null, System.getProperty(GpuBinding.PROPERTY), "nothing was bound, so no binding is recorded");
  }
}
