package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.dataset.DataSet;

/** A run id belongs to one prepare at a time: concurrent runs with one id never mix their output. */
@ExtendWith(SparkExtension.class)
class PrepareRunIdTest {
  private static final int[] VOCAB_SIZES = {30, 60, 90};
  private static final int[] BATCH_SIZES = {4, 2, 3};
  @TempDir Path tmp;

  private AwdlmConfig config(int variant) {
    Path data = TestFiles.corpus("tiny", tmp.resolve("data"));
    return PrepareFixtures.config(List.of("data.train=" + data.resolve("train.txt").toUri(),
        "data.valid=" + data.resolve("valid.txt").toUri(), "data.test=" + data.resolve("test.txt").toUri(),
        "output.dir=" + tmp.resolve("out").toUri(), "data.vocabSize=" + VOCAB_SIZES[variant],
        "train.batchSize=" + BATCH_SIZES[variant]));
  }

  private RunLayout layout(AwdlmConfig config, String runId) {
    return RunLayout.of(config.output(), runId);
  }

  @RepeatedTest(20)
  void concurrentPreparesWithOneRunIdPublishExactlyOneWholeRun(JavaSparkContext sc) throws Exception {
    int n = VOCAB_SIZES.length;
    List<AwdlmConfig> configs = new ArrayList<>();
    for (int v = 0; v < n; v++) configs.add(config(v));
    CyclicBarrier start = new CyclicBarrier(n);
    ExecutorService pool = Executors.newFixedThreadPool(n);
    List<Future<PrepareStats>> runs = new ArrayList<>();
    try {
      for (AwdlmConfig c : configs) {
        runs.add(pool.submit(() -> {
          start.await();
          return PrepareJob.run(c, sc, layout(c, "same"));
        }));
      }
      int winner = -1;
      for (int v = 0; v < n; v++) {
        try {
          runs.get(v).get();
          assertEquals(-1, winner, "two prepares with one run id both succeeded");
          winner = v;
        } catch (ExecutionException e) {
          ConfigError refused = assertInstanceOf(ConfigError.class, e.getCause(), "the loser's error");
          assertEquals("--run-id", refused.key());
          assertTrue(refused.getMessage().contains("run id in use") || refused.getMessage().contains("already exists"),
              refused.getMessage());
        }
      }
      assertTrue(winner >= 0, "one prepare succeeds");
      assertIsEntirely(configs.get(winner), layout(configs.get(winner), "same"), sc.hadoopConfiguration());
    } finally {
      pool.shutdownNow();
    }
    try (Stream<Path> left = Files.list(tmp.resolve("out"))) {
      assertEquals(List.of("same"), left.map(p -> p.getFileName().toString()).toList(), "no claim or staging left behind");
    }
  }

  /** prepare.json, vocab.tsv and every train DataSet come from {@code config}. */
  private static void assertIsEntirely(AwdlmConfig config, RunLayout layout, Configuration conf) {
    PrepareStats stats = PrepareJob.readStats(layout, conf);
    Tokenizer tokenizer = Tokenizer.of(config.data());
    List<java.nio.file.Path> train = config.data().train().stream().map(u -> Path.of(java.net.URI.create(u))).toList();
    assertEquals(PrepareFixtures.expectedVocabTsv(PrepareFixtures.tokens(train, tokenizer), config.data().vocabSize(), 1),
        HadoopFs.readUtf8(layout.vocab(), conf), "vocab.tsv");
    assertEquals(config.data().vocabSize(), stats.vocabSize(), "prepare.json vocab_size");
    PrepareStats.SplitStats s = stats.splits().get("train");
    assertEquals(config.train().batchSize(), s.streams(), "prepare.json train streams");
    int length = config.data().windowsPerShard() * config.train().bptt();
    StreamLayout streams = StreamLayout.train(s.tokens(), config.train().batchSize(), length);
    List<org.apache.hadoop.fs.Path> files = HadoopFs.listFiles(layout.batches("train"), StreamExporter.SUFFIX, conf);
    assertEquals(streams.files(), files.size(), "train DataSet files");
    assertEquals(streams.files(), s.dataSetFiles(), "prepare.json train files");
    for (org.apache.hadoop.fs.Path f : files) {
      DataSet ds = StreamExporter.read(f, conf);
      assertEquals(config.train().batchSize(), ds.getFeatures().size(0), f + " rows");
      assertTrue(ds.getFeatures().maxNumber().intValue() < stats.vocabSize(), f + " holds ids of another vocabulary");
    }
  }

  @Test
  void aClaimLeftByACrashedPrepareIsNamedWithTheWayOut(JavaSparkContext sc) throws Exception {
    AwdlmConfig config = config(0);
    RunLayout layout = layout(config, "crashed");
    Files.createDirectories(tmp.resolve("out"));
    Path claim = tmp.resolve("out/.crashed.claim");
    Files.writeString(claim, "{\"owner\" : \"host:4242\", \"claimed_at\" : \"2026-01-01T00:00:00Z\"}\n");
    ConfigError e = assertThrows(ConfigError.class, () -> PrepareJob.run(config, sc, layout));
    assertEquals("--run-id", e.key());
    assertTrue(e.getMessage().contains("run id in use") && e.getMessage().contains("host:4242")
        && e.getMessage().contains(claim.toString()) && e.getMessage().contains("delete"), e.getMessage());
    assertTrue(Files.exists(claim), "another run's claim is left alone");

    Files.delete(claim);
    PrepareJob.run(config, sc, layout);
    assertTrue(Files.exists(tmp.resolve("out/crashed/prepare.json")), "once the claim is removed the id can be used");
  }
}
