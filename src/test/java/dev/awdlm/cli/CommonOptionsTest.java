package dev.awdlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.io.RunLayout;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

class CommonOptionsTest {

  @Test
  void defaultRunIdsTakenInOneSecondDiffer() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 100; i++) ids.add(RunLayout.of(new Path("/runs"), CommonOptions.newRunId()).runId());
    assertEquals(100, ids.size(), "run ids: " + ids);
  }

  @Test
  void defaultRunIdsAreAValidIdThatSortsByTime() {
    Instant t = Instant.parse("2026-11-24T19:04:55.123Z");
    String id = CommonOptions.newRunId(t);
    assertTrue(id.matches("20261124T190455\\.123Z-[0-9a-f]{6}"), id);
    assertNotEquals(id, CommonOptions.newRunId(t), "the same millisecond gives another id");
    assertTrue(id.compareTo(CommonOptions.newRunId(t.plusMillis(1))) < 0, "a later start sorts after");
    assertTrue(CommonOptions.newRunId(t.minusMillis(1)).compareTo(id) < 0, "an earlier start sorts before");
  }
}
