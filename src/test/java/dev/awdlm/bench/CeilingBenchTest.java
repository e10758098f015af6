package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.config.ConfigError;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CeilingBenchTest {

  @Test
  void badOptionsAreNamed() {
    assertEquals("--size", assertThrows(ConfigError.class, () -> new CeilingBench.Options(0, 1)).key());
    assertEquals("--seconds", assertThrows(ConfigError.class, () -> new CeilingBench.Options(16, 0)).key());
    assertEquals("--seconds", assertThrows(ConfigError.class, () -> new CeilingBench.Options(16, Double.NaN)).key());
  }

  @Test
  void runPublishesUnderTheConfiguredOutputAndPrintsTheSameJsonLast(@TempDir Path tmp) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BenchResult r = CeilingBench.run(new CeilingBench.Options(16, 0.001), null,
        List.of("output.dir=" + tmp.toUri()), new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String[] lines = bytes.toString(StandardCharsets.UTF_8).trim().split("\n");
    JsonNode printed = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(printed, new ObjectMapper().readTree(tmp.resolve("bench/ceiling.json").toFile()));
    assertEquals(r.toJson(), lines[lines.length - 1]);
    assertEquals(16, printed.get("size").asInt());
    assertEquals(Runtime.getRuntime().availableProcessors(), printed.get("threads").asInt());
  }
}
