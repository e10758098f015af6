package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelBenchTest {

  private static String badOption(double seconds, int opThreads, List<String> sizes) {
    return assertThrows(ConfigError.class, () -> new ModelBench.Options(seconds, opThreads, sizes)).key();
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("--seconds", badOption(0, 1, List.of("small")));
    assertEquals("--op-threads", badOption(1, 0, List.of("small")));
    assertEquals("--sizes", badOption(1, 1, List.of("small", "medium")));
    assertEquals("--sizes", badOption(1, 1, List.of()));
    assertEquals(List.of("full"), new ModelBench.Options(1, 2, List.of("full")).sizes());
  }

  @Test
  void eachSizeIsItsPresetWithTheUsersSeed() {
    AwdlmConfig small = ModelBench.preset("small", 7);
    assertEquals(200, small.model().emsize());
    assertEquals(35, small.train().bptt());
    assertEquals(7, small.train().seed());
    AwdlmConfig full = ModelBench.preset("full", 8);
    assertEquals(1150, full.model().nhid());
    assertEquals(70, full.train().bptt());
    assertEquals(8, full.train().seed());
  }
}
