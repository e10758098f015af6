package dev.awdlm.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.io.HadoopFs;
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
 * A challenger whose training diverges is recorded as rejected, with or without a champion, and the
 * registry stays usable. Clipped SGD at lr 1e4 keeps the loss finite on the tiny corpus but wrecks
 * the model (validation perplexity around 1e33): the divergence guard must see it in validation.
 */
@ExtendWith(SparkExtension.class)
class RetrainDivergenceTest {
  @TempDir Path tmp;

  private Retrain.Outcome retrain(JavaSparkContext sc, String runId, String... extra) {
    Path config = TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf"));
    List<String> settings = new java.util.ArrayList<>(List.of("train.epochs=1", "retrain.epochs=1", "train.averagingFrequency=8"));
    settings.addAll(List.of(extra));
    return Retrain.run(config.toFile(), settings, new Retrain.Request(tmp.resolve("registry").toUri().toString(),
        tmp.resolve("snapshot").toUri().toString(), runId, false, false), sc.hadoopConfiguration(), () -> sc, "test-" + runId);
  }

  private static final String[] WILD = {"train.optimizer=sgd", "train.lr=1e4", "train.clip=0.25"};

  @Test
  void aDivergedChallengerIsRejectedAndTheChampionIsUntouched(JavaSparkContext sc) throws Exception {
    // A third of the tiny corpus's train text: the three retrains train 9 epochs of it, 8 of them diverging.
    Path snapshot = TestFiles.corpus("tiny", tmp.resolve("snapshot"));
    List<String> train = Files.readAllLines(snapshot.resolve("train.txt"));
    Files.write(snapshot.resolve("train.txt"), train.subList(0, train.size() / 3));
    Registry reg = new Registry(new org.apache.hadoop.fs.Path(tmp.resolve("registry").toUri()), sc.hadoopConfiguration());

    Decision first = retrain(sc, "d1", WILD).decision();
    assertEquals("rejected", first.decision(), "a diverged first run does not become the champion: " + first);
    assertTrue(first.championBefore() == null && first.championValPpl() == null, first.toString());
    assertFalse(HadoopFs.exists(reg.layout().championPointer(), reg.conf()), "still no champion");
    assertTrue(HadoopFs.exists(reg.layout().done("d1"), reg.conf()) && HadoopFs.exists(reg.layout().decisionFile("d1"), reg.conf()));
    assertTrue(retrain(sc, "d1", WILD).alreadyFinished(), "a rerun of the id is a no-op");

    assertEquals("first", retrain(sc, "ok").decision().decision(), "the next run trains from scratch and is the first champion");

    Decision wild = retrain(sc, "d2", WILD).decision();
    assertEquals("rejected", wild.decision(), wild.toString());
    assertEquals("ok", wild.championBefore());
    assertTrue(wild.challengerValPpl() > wild.championValPpl(), wild.toString());
    assertEquals("ok", reg.championId().orElseThrow(), "the pointer is unchanged");
    assertEquals(List.of("rejected", "first", "rejected"), reg.history().stream().map(Decision::decision).toList());
    assertFalse(HadoopFs.exists(reg.layout().run("d2").model(), reg.conf()), "no model from a diverged run");
  }
}
