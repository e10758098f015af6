package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigError;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RunLayoutTest {
  private static final Path OUT = new Path("/runs");

  /** A run directory of these names would take the place of a file awdlm writes under output.dir. */
  @ParameterizedTest
  @ValueSource(strings = {"latest", "index.json", "bench", "Latest", "INDEX.JSON"})
  void namesAwdlmWritesUnderTheOutputDirAreNotRunIds(String id) {
    ConfigError e = assertThrows(ConfigError.class, () -> RunLayout.of(OUT, id));
    assertEquals("--run-id", e.key());
    assertTrue(e.getMessage().contains("'" + id + "'") && e.getMessage().contains("reserved"), e.getMessage());
  }

  @Test
  void eachStagingOfAStageIsItsOwnHiddenDirectoryThatTheGlobFinds() throws Exception {
    RunLayout run = RunLayout.of(OUT, "r1");
    Path a = run.staging("prepare").runDir();
    Path b = run.staging("prepare").runDir();
    assertNotEquals(a, b, "two attempts never write into one directory");
    assertEquals(OUT, a.getParent());
    assertTrue(a.getName().startsWith("."), "hidden from readers: " + a);
    org.apache.hadoop.fs.GlobPattern glob = new org.apache.hadoop.fs.GlobPattern(run.stagingGlob("prepare").getName());
    assertTrue(glob.matches(a.getName()) && glob.matches(b.getName()), "cleanup finds every attempt");
    assertTrue(!glob.matches(run.staging("train").runDir().getName()), "and only this stage's");
  }

  @Test
  void aFinetuneHasItsOwnOutputsOverTheRunsPreparedData() {
    RunLayout run = RunLayout.of(OUT, "r1");
    RunLayout tuned = run.finetune();
    assertEquals(run.batches("train"), tuned.batches("train"));
    assertEquals(run.vocab(), tuned.vocab());
    assertEquals(run.prepareStats(), tuned.prepareStats());
    Path own = new Path(run.runDir(), "finetune");
    for (Path p : new Path[] {tuned.model(), tuned.checkpoints(), tuned.trainMetrics(), tuned.report()}) {
      assertTrue(p.toString().startsWith(own + "/"), p + " under " + own);
    }
    assertThrows(IllegalStateException.class, tuned::finetune);
  }

  @Test
  void aRunIdLongerThanTheLimitIsRefusedNamingIt() {
    assertEquals("a".repeat(200), RunLayout.of(OUT, "a".repeat(200)).runId());
    ConfigError e = assertThrows(ConfigError.class, () -> RunLayout.of(OUT, "a".repeat(300)));
    assertEquals("--run-id", e.key());
    assertTrue(e.getMessage().contains("300 characters") && e.getMessage().contains("at most 200"),
        e.getMessage());
  }

  @Test
  void aRunIdWithAControlCharacterIsShownEscaped() {
    ConfigError e = assertThrows(ConfigError.class, () -> RunLayout.of(OUT, "r1\nr2\u001b[31m"));
    assertTrue(e.getMessage().startsWith("--run-id = 'r1\\nr2\\u001b[31m': "), e.getMessage());
  }
}
