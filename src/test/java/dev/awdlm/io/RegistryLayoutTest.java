package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.awdlm.config.ConfigError;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** A registry's names: earlier registries, schedulers and operators repairing one by hand rely on them. */
class RegistryLayoutTest {
  private final RegistryLayout registry = new RegistryLayout(new Path("hdfs://nn/registry"));

  @Test
  void eachFileHasItsName() {
    assertEquals("hdfs://nn/registry/champion", registry.championPointer().toString());
    assertEquals("hdfs://nn/registry/history.jsonl", registry.historyFile().toString());
    assertEquals("hdfs://nn/registry/lease", registry.lease().toString());
    assertEquals("hdfs://nn/registry/runs", registry.runs().toString());
    assertEquals("hdfs://nn/registry/runs/2026-01-02/report/report.json", registry.run("2026-01-02").report().toString());
    assertEquals("hdfs://nn/registry/runs/r1/decision.json", registry.decisionFile("r1").toString());
    assertEquals("hdfs://nn/registry/runs/r1/_DONE", registry.done("r1").toString());
    assertEquals("hdfs://nn/registry/runs/r1/champion-valid", registry.championValid("r1").toString());
  }

  @Test
  void aRunIdIsCheckedAsForAnyRun() {
    assertThrows(ConfigError.class, () -> registry.done("../champion"));
  }
}
