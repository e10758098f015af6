package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.config.ConfigError;
import dev.awdlm.score.TinyModel;
import dev.awdlm.spark.SparkSessions;
import dev.awdlm.testing.CliRun;
import dev.awdlm.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench score} for real on the tiny model and text: its JSON contract, not its speed; and its options and median. */
class ScoreBenchTest {

  @Test
  void printsAndWritesItsJson(@TempDir Path tmp) throws Exception {
    // The bench starts its own local[1] and local[2] sessions: none may be running when it does.
    SparkSession training = SparkSession.builder().config(SparkExtension.testConf("local[2]")).getOrCreate();
    Path model = TinyModel.run(SparkSessions.context(training));
    Path text = TinyModel.corpus(SparkSessions.context(training)).resolve("valid.txt");
    training.stop();

    CliRun r = CliRun.awdlm("bench", "score", "--model", model.toString(), "--data", text.toString(), "--cores", "1,2",
        "--repeats", "1", "--output", tmp.resolve("out").toUri().toString());
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().trim().split("\n");
    JsonNode printed = new ObjectMapper().readTree(lines[lines.length - 1]);
    assertEquals(printed, new ObjectMapper().readTree(tmp.resolve("out/bench/score.json").toFile()));
    assertEquals("score", printed.get("bench").asText());
    assertEquals(Files.readAllLines(text).size(), printed.get("records").asLong(), "one record per line");
    for (String key : new String[] {"score_records_per_s_1", "score_tokens_per_s_2", "evaluate_tokens_per_s_1",
        "evaluate_tokens_per_s_2", "speedup", "score_vs_evaluate"}) {
      assertTrue(printed.get(key).asDouble() > 0, key + " in " + printed);
    }
    assertEquals(printed.get("score_tokens_per_s_2").asDouble() / printed.get("score_tokens_per_s_1").asDouble(),
        printed.get("speedup").asDouble(), 0.01 * printed.get("speedup").asDouble());
    assertTrue(printed.has("meets_targets"));
    try (var left = Files.list(tmp.resolve("out/bench"))) {
      assertEquals(1, left.count(), "only score.json: the scratch outputs are gone");
    }
  }

  @Test
  void badOptionsAreNamed() {
    assertEquals("--model", assertThrows(ConfigError.class, () -> new ScoreBench.Options(" ", List.of(), List.of(1), 1)).key());
    assertEquals("--cores", assertThrows(ConfigError.class, () -> new ScoreBench.Options("m", List.of(), List.of(0), 1)).key());
    assertEquals("--cores", assertThrows(ConfigError.class, () -> new ScoreBench.Options("m", List.of(), List.of(), 1)).key());
    assertEquals("--repeats", assertThrows(ConfigError.class, () -> new ScoreBench.Options("m", List.of(), List.of(1), 0)).key());
  }

  @Test
  void medianLeavesTheWarmUpRunOut() {
    Iterator<Integer> runs = List.of(50, 1, 30, 2).iterator(); // the warm-up is the slowest, as on a cold JVM
    assertEquals(2, ScoreBench.median(runs::next, Comparator.<Integer>naturalOrder(), 3));
  }
}
