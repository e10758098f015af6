package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

  /** The names are part of awdlm's interface: schedulers, notebooks and earlier runs rely on them. */
  @Test
  void eachArtifactHasItsName() {
    RunLayout r = RunLayout.of(OUT, "r1");
    assertEquals("/runs/latest", r.latest().toString());
    assertEquals("/runs/index.json", r.index().toString());
    assertEquals("/runs/bench", RunLayout.benchDir(OUT).toString());
    assertEquals("/runs/bench/scaling.json", RunLayout.benchResult(OUT, "scaling").toString());
    assertEquals("/runs/bench/.score-work", RunLayout.benchScratch(OUT, "score").toString());
    assertEquals("/runs/recipe-data-s1/valid.txt", RunLayout.notebookSample(OUT, "recipe", "s1", "valid").toString());
    assertEquals("/runs/r1/vocab.tsv", r.vocab().toString());
    assertEquals("/runs/r1/prepare.json", r.prepareStats().toString());
    assertEquals("/runs/r1/batches/valid", r.batches("valid").toString());
    assertEquals("/runs/r1/checkpoints", r.checkpoints().toString());
    assertEquals("/runs/r1/checkpoints/epoch-0007", r.checkpoint(7).toString());
    assertEquals("/runs/r1/checkpoints/best", r.bestCheckpoint().toString());
    assertEquals("/runs/r1/train.json", r.trainMetrics().toString());
    assertEquals("/runs/r1/model/model.zip", r.model().toString());
    assertEquals("/runs/r1/report/report.json", r.report().toString());
    assertEquals("/runs/r1/report/epochs.csv", r.epochsCsv().toString());
    assertEquals("/runs/r1/report/report.html", r.reportHtml().toString());
    assertEquals("/runs/r1/report/_SUCCESS", r.reportSuccess().toString());
    assertEquals("/runs/.r1.claim", r.claim().toString());
  }

  /** Checkpoints are found by listing: every name {@code checkpoint} gives is recognised and gives its epoch back. */
  @ParameterizedTest
  @ValueSource(ints = {1, 42, 9999, 12345})
  void aCheckpointsNameGivesItsEpochBack(int epoch) {
    Path dir = RunLayout.of(OUT, "r1").checkpoint(epoch);
    assertTrue(dir.getName().matches(RunLayout.CHECKPOINT_NAMES), dir.toString());
    assertEquals(epoch, RunLayout.checkpointEpoch(dir));
    assertFalse(RunLayout.of(OUT, "r1").bestCheckpoint().getName().matches(RunLayout.CHECKPOINT_NAMES));
  }

  @Test
  void stagingAndScratchDirectoriesAreHiddenAndNewEachTime() {
    RunLayout r = RunLayout.of(OUT, "r1");
    Path staged = r.staging("prepare").runDir();
    assertTrue(staged.getName().matches("\\.r1\\.prepare\\.[0-9a-f]{8}\\.tmp"), staged.toString());
    assertEquals(OUT, staged.getParent());
    assertEquals("/runs/.r1.prepare.*.tmp", r.stagingGlob("prepare").toString());
    Path scratch = RunLayout.evaluateScratch(OUT);
    assertTrue(scratch.getName().matches("\\.evaluate-[0-9a-f-]{36}\\.tmp"), scratch.toString());
    assertNotEquals(scratch, RunLayout.evaluateScratch(OUT));
  }

  /** The index lists whatever directories output.dir holds; a name that is no run id is read, not refused. */
  @Test
  void aListedDirectoryIsReadWhateverItsName() {
    RunLayout bench = RunLayout.listed(new Path("/runs/bench"));
    assertEquals("/runs/bench/report/_SUCCESS", bench.reportSuccess().toString());
    assertEquals(OUT, bench.outputDir());
  }
}
