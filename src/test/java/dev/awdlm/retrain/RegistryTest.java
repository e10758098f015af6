package dev.awdlm.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {
  private final Configuration conf = new Configuration();

  static Decision decision(String runId, String verdict, String championBefore) {
    return new Decision(runId, "2026-11-24T03:00:00Z", verdict, championBefore, 120.0, championBefore == null ? null : 130.0,
        championBefore == null ? null : 0.077, 0.01, championBefore == null ? "rebuilt" : "champion", 0.02, 118.0,
        "runs/" + runId + "/report", "abc123");
  }

  private Registry registry(java.nio.file.Path dir) {
    return new Registry(new Path(dir.toUri()), conf);
  }

  @Test
  void aTruncatedHistoryLineIsAConfigErrorNamingTheFileAndTheLine(@TempDir java.nio.file.Path dir) {
    Registry reg = registry(dir);
    String second = Json.line(decision("r2", "promoted", "r1"));
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf,
        Json.line(decision("r1", "first", null)) + "\n" + second.substring(0, second.length() / 2) + "\n");
    ConfigError e = assertThrows(ConfigError.class, reg::history);
    assertTrue(e.getMessage().contains(reg.layout().historyFile().toString()) && e.getMessage().contains("line 2"), e.getMessage());
    assertThrows(ConfigError.class, () -> reg.appendHistory(decision("r3", "rejected", "r1")), "appending checks every line too");
  }

  @Test
  void aLineWithoutRunIdOrDecisionIsDamaged(@TempDir java.nio.file.Path dir) {
    Registry reg = registry(dir);
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, Json.line(decision("r1", "first", null)) + "\n{\"test_ppl\" : 1.0}\n");
    ConfigError e = assertThrows(ConfigError.class, reg::history);
    assertTrue(e.getMessage().contains("line 2"), e.getMessage());
  }

  @Test
  void appendingToAHistoryWithoutItsFinalNewlineKeepsEveryLine(@TempDir java.nio.file.Path dir) {
    Registry reg = registry(dir);
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf, Json.line(decision("r1", "first", null))); // e.g. edited by hand
    reg.appendHistory(decision("r2", "promoted", "r1"));
    assertEquals(List.of("r1", "r2"), reg.history().stream().map(Decision::runId).toList(), "the new line is not glued to the last");
    reg.appendHistory(decision("r2", "promoted", "r1"));
    assertEquals(List.of("r1", "r2"), reg.history().stream().map(Decision::runId).toList(), "a rerun adds no second line");
  }

  @Test
  void twoRecordsGluedOnOneLineAreDamagedNotHalfRead(@TempDir java.nio.file.Path dir) {
    // What an append onto a last line without its newline used to leave: the second record must
    // not vanish silently behind the first.
    Registry reg = registry(dir);
    HadoopFs.writeAtomically(reg.layout().historyFile(), conf,
        Json.line(decision("r1", "first", null)) + Json.line(decision("r2", "promoted", "r1")) + "\n");
    ConfigError e = assertThrows(ConfigError.class, reg::history);
    assertTrue(e.getMessage().contains("line 1"), e.getMessage());
  }
}
