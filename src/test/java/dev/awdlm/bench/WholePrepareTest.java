package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.bench.PrepareBench.Measurement;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-prepare row's passes: a pass does not follow the removal of the previous pass's files
 * (on ext4 that removal slows the next pass's file creation; see {@link WholePrepare}), and
 * nothing is left once the bench is done.
 */
@ExtendWith(SparkExtension.class)
class WholePrepareTest {

  @Test
  void keepsEveryPassUntilClosedThenRemovesThemAll(JavaSparkContext sc, @TempDir Path tmp) throws Exception {
    Path corpus = TestFiles.copyResource("corpus/tiny/train.txt", tmp.resolve("train.txt"));
    Path dir = tmp.resolve("prepared");
    Path leftover = Files.createDirectories(dir.resolve("1/killed-bench"));
    List<String> overrides = List.of("data.valid=" + corpus.toUri(), "data.test=" + corpus.toUri(), "train.batchSize=4",
        "data.windowsPerShard=2");
    try (WholePrepare whole = new WholePrepare(null, overrides, dir)) {
      assertFalse(Files.exists(leftover), "what a killed bench left is removed before the first pass");
      Measurement first = whole.measure(sc, "corpus", corpus);
      Measurement second = whole.measure(sc, "corpus", corpus);
      assertEquals(first.tokens(), second.tokens());
      assertEquals(3 * Files.size(corpus), first.bytes(), "train, valid and test are all the corpus");
      for (String pass : List.of("1", "2")) {
        assertTrue(Files.isDirectory(dir.resolve(pass)), "pass " + pass + "'s run is kept until the bench ends");
        try (var files = Files.walk(dir.resolve(pass))) {
          long dataSets = files.filter(p -> p.toString().endsWith(".bin")).count();
          assertTrue(dataSets > 0, "pass " + pass + "'s DataSet files are still there after the next pass");
        }
      }
    }
    assertFalse(Files.exists(dir), "closing removes every pass");
  }
}
