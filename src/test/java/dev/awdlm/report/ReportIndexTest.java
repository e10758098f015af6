package dev.awdlm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.io.TempDir;

/** index.json under runs that finish at the same moment. */
class ReportIndexTest {
  private static final int RUNS = 8;
  private final Configuration conf = new Configuration();
  @TempDir Path tmp;

  /** What {@link ReportWriter#write} leaves before the index: a complete report set, then the index. */
  private void finish(RunLayout layout) {
    RunReport report = new RunReport(RunReport.SCHEMA, layout.runId(), null, Instant.now().toString(), null, null, 0, 1, 1, 1, 1,
        List.of(), 0, 0, 100, 110, null, null, Map.of(), null, 1);
    HadoopFs.writeAtomically(layout.report(), conf, Json.pretty(report));
    HadoopFs.writeAtomically(layout.reportSuccess(), conf, "");
    ReportWriter.publishIndex(layout, conf);
  }

  @RepeatedTest(20)
  void runsFinishingTogetherAreAllIndexed() throws Exception {
    org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(tmp.toUri());
    CyclicBarrier start = new CyclicBarrier(RUNS);
    ExecutorService pool = Executors.newFixedThreadPool(RUNS);
    List<Future<?>> writers = new ArrayList<>();
    List<String> ids = new ArrayList<>();
    try {
      for (int i = 0; i < RUNS; i++) {
        RunLayout layout = RunLayout.of(out, "r" + i);
        ids.add(layout.runId());
        writers.add(pool.submit(() -> {
          start.await();
          finish(layout);
          return null;
        }));
      }
      for (Future<?> w : writers) w.get();
    } finally {
      pool.shutdownNow();
    }
    ReportWriter.Index index = Json.read(RunLayout.of(out, "r0").index(), ReportWriter.Index.class, conf);
    assertEquals(ids, index.runs().stream().map(ReportWriter.IndexEntry::runId).sorted().toList());
  }
}
