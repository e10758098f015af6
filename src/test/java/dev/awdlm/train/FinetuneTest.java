package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** {@code finetune} on a trained tiny run: where it starts, what it writes, and that it resumes. */
@ExtendWith(SparkExtension.class)
class FinetuneTest {
  @TempDir Path tmp;
  private JavaSparkContext sc;
  private TinyRun run;
  private Configuration conf;

  @BeforeEach
  void prepare(JavaSparkContext sc) {
    this.sc = sc;
    run = new TinyRun(tmp, sc);
    conf = sc.hadoopConfiguration();
  }

  /** At a rate too small to move it, a finetune's first validation is the trained model's, not a new network's. */
  private AwdlmConfig finetuning(int epochs) {
    return run.config("finetune.epochs=" + epochs, "train.lr=1e-7", "train.nonmono=5");
  }

  @Test
  void aFinetuneStartsFromTheRunsModelAveragesFromItsFirstRoundAndLeavesTheRunAlone() throws Exception {
    TrainResult trained = Trainer.train(run.config(), sc, run.layout, run.prepared);
    Path model = run.runDir().resolve("model/model.zip");
    byte[] before = Files.readAllBytes(model);

    TrainResult tuned = Trainer.finetune(finetuning(2), sc, run.layout, run.prepared, false, false);

    double trainedPpl = trained.epochs().get(trained.bestEpoch() - 1).valPpl();
    assertEquals(trainedPpl, tuned.epochs().get(0).valPpl(), trainedPpl * 1e-3, "the finetune starts from the run's best model");
    assertEquals(2, tuned.epochs().size());
    assertEquals(1, tuned.asgdTriggerEpoch(), "averaged from the first round");
    assertTrue(tuned.epochs().stream().allMatch(EpochMetrics::asgd), "every epoch validates the average");
    assertTrue(Arrays.equals(before, Files.readAllBytes(model)), "the run's own model is untouched");
    Path own = run.runDir().resolve("finetune");
    assertTrue(Files.isRegularFile(own.resolve("model/model.zip")) && Files.isRegularFile(own.resolve("train.json")));
    assertTrue(Files.isDirectory(own.resolve("checkpoints/best")));
    assertEquals(tuned.epochs(), Trainer.readResult(run.layout.finetune(), conf).epochs());
  }

  @Test
  void anInterruptedFinetuneResumesFromItsCheckpointAndOnlyWhenAsked() {
    Trainer.train(run.config(), sc, run.layout, run.prepared);
    TrainResult first = Trainer.finetune(finetuning(1), sc, run.layout, run.prepared, false, false);
    // as if killed after epoch 1's checkpoint, before the model was saved
    HadoopFs.deleteRecursively(run.layout.finetune().modelDir(), conf);
    HadoopFs.deleteRecursively(run.layout.finetune().trainMetrics(), conf);

    ConfigError again = assertThrows(ConfigError.class, () -> Trainer.finetune(finetuning(2), sc, run.layout, run.prepared, false, false));
    assertTrue(again.getMessage().contains("--resume"), again.getMessage());
    TrainResult resumed = Trainer.finetune(finetuning(2), sc, run.layout, run.prepared, true, false);
    assertEquals(2, resumed.epochs().size());
    assertEquals(first.epochs().get(0), resumed.epochs().get(0), "epoch 1 comes from the checkpoint, not trained again");
  }

  @Test
  void aRunWithoutAModelCannotBeFinetuned() {
    ConfigError e = assertThrows(ConfigError.class, () -> Trainer.finetune(finetuning(1), sc, run.layout, run.prepared, false, false));
    assertTrue(e.getMessage().contains("is not trained"), e.getMessage());
  }
}
