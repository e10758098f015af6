package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.FlakyFileSystem;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Per-epoch checkpoints, resume, and the divergence guard, on real Spark and the tiny corpus. */
@ExtendWith(SparkExtension.class)
class TrainerCheckpointTest {
  // One directory for the class, so that every test's config, and so its hash, is the same: tests start from a
  // copy of the prepared run, or of the same run trained for two epochs, instead of preparing and training again.
  @TempDir static Path tmp;
  private static JavaSparkContext sc;
  private static RunLayout layout;
  private static PrepareStats prepared;
  private static TrainResult twoEpochs;

  private static AwdlmConfig config(String... overrides) {
    Path corpus = tmp.resolve("corpus");
    List<String> all = new ArrayList<>(List.of(
        "data.train=" + corpus.resolve("train.txt").toUri(), "data.valid=" + corpus.resolve("valid.txt").toUri(),
        "data.test=" + corpus.resolve("test.txt").toUri(), "output.dir=" + tmp.resolve("runs").toUri(),
        // Four averaging rounds an epoch, not fifteen: a round's fixed cost, not the tiny model, is most of an epoch.
        "train.epochs=2", "train.averagingFrequency=8"));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf")).toFile(), all);
  }

  @BeforeAll
  static void prepareAndTrainOnce(JavaSparkContext context) throws Exception {
    sc = context;
    // Before the first training job: dl4j-spark broadcasts this configuration once per context.
    FlakyFileSystem.register(sc.hadoopConfiguration());
    TestFiles.corpus("tiny", tmp.resolve("corpus"));
    // Path.toUri() ends an existing directory's URI in '/', and output.dir is part of the config hash.
    Files.createDirectories(tmp.resolve("runs"));
    AwdlmConfig config = config();
    layout = RunLayout.of(config.output(), "c");
    prepared = PrepareJob.run(config, sc, layout);
    TestFiles.copyRecursively(tmp.resolve("runs"), tmp.resolve("prepared"));
    twoEpochs = Trainer.train(config, sc, layout, prepared);
    TestFiles.copyRecursively(tmp.resolve("runs"), tmp.resolve("trained"));
  }

  @BeforeEach
  void startFromThePreparedRun() {
    restore("prepared");
  }

  /** The run as {@code train.epochs=2} under {@link #config} left it, and that training's result. */
  private static TrainResult trainedForTwoEpochs() {
    restore("trained");
    return twoEpochs;
  }

  private static void restore(String snapshot) {
    TestFiles.deleteRecursively(tmp.resolve("runs"));
    TestFiles.copyRecursively(tmp.resolve(snapshot), tmp.resolve("runs"));
  }

  @AfterEach
  void noFaults() {
    FlakyFileSystem.reset();
  }

  private static Path run() {
    return tmp.resolve("runs/c");
  }

  private void forgetTraining(String... keepCheckpoints) throws Exception {
    Files.delete(run().resolve("model/model.zip"));
    Files.delete(run().resolve("train.json"));
    try (Stream<Path> s = Files.list(run().resolve("checkpoints"))) {
      for (Path d : s.toList()) {
        if (d.getFileName().toString().startsWith("epoch-") && !List.of(keepCheckpoints).contains(d.getFileName().toString())) {
          TestFiles.deleteRecursively(d);
        }
      }
    }
  }

  @Test
  void everyEpochIsCheckpointedAndTheBestKept() throws Exception {
    TrainResult r = trainedForTwoEpochs();
    assertEquals(2, r.epochs().size());
    for (String f : new String[] {"epoch-0001", "epoch-0002", "best"}) {
      assertTrue(Files.exists(run().resolve("checkpoints/" + f + "/model.zip")), f);
      assertTrue(Files.exists(run().resolve("checkpoints/" + f + "/state.json")), f);
    }
    String state = Files.readString(run().resolve("checkpoints/epoch-0002/state.json"));
    assertTrue(state.contains("\"config_hash\" : \"" + config().hash() + "\""), state);
    assertTrue(state.contains("\"val_history\""), state);
    try (Stream<Path> s = Files.list(run().resolve("checkpoints"))) {
      assertFalse(s.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no staging directory left");
    }
  }

  @Test
  void resumeContinuesFromTheLastCheckpointAndKeepsEarlierEpochs() throws Exception {
    TrainResult full = trainedForTwoEpochs();
    // As if the driver died during epoch 2: only epoch 1 was checkpointed.
    forgetTraining("epoch-0001");
    assertThrows(ConfigError.class, () -> Trainer.train(config(), sc, layout, prepared), "checkpoints need --resume");
    TrainResult resumed = Trainer.train(config(), sc, layout, prepared, new Trainer.Start(true, false));
    assertEquals(2, resumed.epochs().size());
    assertEquals(full.epochs().get(0), resumed.epochs().get(0), "epoch 1 is not trained again");
    assertTrue(Double.isFinite(resumed.epochs().get(1).valPpl()));
    assertTrue(Files.exists(run().resolve("model/model.zip")));
  }

  @Test
  void aCorruptCheckpointIsSkippedForTheOneBefore() throws Exception {
    trainedForTwoEpochs();
    forgetTraining("epoch-0001", "epoch-0002");
    Path model = run().resolve("checkpoints/epoch-0002/model.zip");
    byte[] bytes = Files.readAllBytes(model);
    Files.write(model, java.util.Arrays.copyOf(bytes, bytes.length / 3)); // truncated by a crash
    TrainResult resumed = Trainer.train(config(), sc, layout, prepared, new Trainer.Start(true, false));
    assertEquals(2, resumed.epochs().size(), "epoch 2 was trained again from epoch 1's checkpoint");
    assertTrue(Files.exists(run().resolve("checkpoints/epoch-0002/model.zip")));
    assertTrue(Files.size(run().resolve("checkpoints/epoch-0002/model.zip")) > bytes.length / 3, "rewritten whole");
  }

  /** Every file under checkpoints/, by relative path, with a digest of its bytes. */
  private Map<String, String> checkpointFiles() throws Exception {
    Path root = run().resolve("checkpoints");
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> s = Files.walk(root)) {
      for (Path f : s.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(f).toString(), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f))));
      }
    }
    return out;
  }

  @Test
  void aCheckpointThatCannotBeReadStopsTheResumeAndDeletesNothing() throws Exception {
    TrainResult full = trainedForTwoEpochs();
    forgetTraining("epoch-0001", "epoch-0002");
    Map<String, String> before = checkpointFiles();
    RunLayout flaky = RunLayout.of(FlakyFileSystem.of(tmp.resolve("runs")), "c");
    FlakyFileSystem.failReads("epoch-0002/model.zip", 1000); // the store times out mid-read
    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> Trainer.train(config(), sc, flaky, prepared, new Trainer.Start(true, false)), "not resumed from epoch 1");
    assertTrue(e.getMessage().contains("epoch-0002") && e.getMessage().contains("injected fault"), e.getMessage());
    assertEquals(before, checkpointFiles(), "no checkpoint deleted or rewritten");
    assertFalse(Files.exists(run().resolve("model/model.zip")));

    FlakyFileSystem.reset();
    TrainResult resumed = Trainer.train(config(), sc, flaky, prepared, new Trainer.Start(true, false));
    assertEquals(full.epochs(), resumed.epochs(), "once the store answers, the run continues after epoch 2");
  }

  @Test
  void resumeStartsOverOnlyWithForceWhenNoCheckpointReadsBack() throws Exception {
    // No checkpoint at all (the first epoch never finished): nothing to lose, so it starts at epoch 1.
    TrainResult first = Trainer.train(config(), sc, layout, prepared, new Trainer.Start(true, false));
    assertEquals(2, first.epochs().size());
    forgetTraining("epoch-0001", "epoch-0002");
    for (String epoch : List.of("epoch-0001", "epoch-0002")) Files.writeString(run().resolve("checkpoints/" + epoch + "/state.json"), "{");
    Map<String, String> before = checkpointFiles();
    ConfigError e = assertThrows(ConfigError.class, () -> Trainer.train(config(), sc, layout, prepared, new Trainer.Start(true, false)));
    assertTrue(e.getMessage().contains("epoch-0001") && e.getMessage().contains("epoch-0002") && e.getMessage().contains("--force"),
        e.getMessage());
    assertEquals(before, checkpointFiles(), "nothing touched");

    TrainResult forced = Trainer.train(config(), sc, layout, prepared, new Trainer.Start(true, true));
    assertEquals(2, forced.epochs().size());
    assertEquals(2, Checkpoints.latest(layout, sc.hadoopConfiguration()).orElseThrow().state().epoch(), "both epochs rewritten");
  }

  @Test
  void resumeUnderAnotherConfigNeedsForce() throws Exception {
    trainedForTwoEpochs();
    forgetTraining("epoch-0001");
    AwdlmConfig changed = config("train.lr=0.02");
    ConfigError e = assertThrows(ConfigError.class,
        () -> Trainer.train(changed, sc, layout, prepared, new Trainer.Start(true, false)));
    assertTrue(e.getMessage().contains("--force") && e.getMessage().contains("epoch-0001"), e.getMessage());
    TrainResult forced = Trainer.train(changed, sc, layout, prepared, new Trainer.Start(true, true));
    assertEquals(0.02, forced.epochs().get(1).lr(), 1e-12);
  }

  @Test
  void linearLrScalingTrainsTwoWorkersAtTwiceTheRate() throws Exception {
    TrainResult r = Trainer.train(config("train.epochs=1", "train.optimizer=sgd", "train.lr=0.5", "train.lrScaling=linear"),
        sc, layout, prepared);
    assertEquals(2, r.workers());
    assertEquals(1.0, r.epochs().get(0).lr(), 1e-12);
    MultiLayerNetwork saved = ModelSerializer.restoreMultiLayerNetwork(run().resolve("model/model.zip").toFile(), false);
    assertEquals(1.0, saved.getLearningRate(0), 1e-12, "the rate the updater used, saved with the model");
  }

  @Test
  void trainingStatisticsAreWrittenWhenAskedFor() throws Exception {
    Trainer.train(config("train.epochs=1", "train.collectStats=true", "train.repartition=always", "train.prefetch=0"),
        sc, layout, prepared);
    String html = Files.readString(run().resolve("spark-stats.html"));
    assertTrue(html.contains("<html") && html.length() > 1000, "a rendered statistics page");
  }

  @Test
  void divergenceRollsBackWithHalvedRatesThenGivesUp() throws Exception {
    AwdlmConfig wild = config("train.optimizer=sgd", "train.lr=1e30", "train.clip=0");
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.train(wild, sc, layout, prepared));
    assertTrue(e.getMessage().contains("diverged") && e.getMessage().contains(DivergenceGuard.MAX_ROLLBACKS + " rollbacks")
        && e.getMessage().contains("not finite"), e.getMessage());
    assertTrue(Double.isNaN(e.valPpl()), "no attempt got as far as validation");
    assertFalse(Files.exists(run().resolve("model/model.zip")), "no model from a diverged run");
  }

  @Test
  void anExplodingValidationPerplexityIsDivergenceThoughTheLossStaysFinite() {
    // Clipped SGD at 1e4: every step has norm 2,500, so loss and weights stay finite, but the model is wrecked.
    AwdlmConfig wild = config("train.epochs=1", "train.optimizer=sgd", "train.lr=1e4", "train.clip=0.25", "train.averagingFrequency=8");
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class, () -> Trainer.train(wild, sc, layout, prepared));
    assertTrue(e.getMessage().contains("validation perplexity") && e.getMessage().contains("above the vocabulary size"),
        e.getMessage());
    assertTrue(e.valPpl() > prepared.vocabSize(), "the last attempt's validation perplexity: " + e.valPpl());
    assertFalse(Files.exists(run().resolve("model/model.zip")), "no model from a diverged run");
  }

  @Test
  void ntAsgdTriggersWhenValidationStallsAndTheAverageIsTheModel() throws Exception {
    // SGD at a high rate overfits the tiny corpus within a few epochs, so validation stalls. Fixed windows: with
    // variable-length BPTT's shorter average step the stall comes an epoch or two later.
    AwdlmConfig sgd = config("train.optimizer=sgd", "train.lr=20", "train.clip=0.25", "train.nonmono=1",
        "train.epochs=6", "model.dropout=0", "train.variableBptt=false",
        "train.averagingFrequency=2"); // rarer averaging fits the tiny corpus slower: no stall within 6 epochs
    TrainResult r = Trainer.train(sgd, sc, layout, prepared);
    int trigger = r.asgdTriggerEpoch();
    assertTrue(trigger > 1 && trigger < 6, "NT-ASGD triggered within the run, at epoch " + trigger);
    List<Double> val = r.epochs().stream().map(EpochMetrics::valPpl).toList();
    for (int e = 1; e <= trigger; e++) {
      assertEquals(e == trigger, NtAsgd.shouldTrigger(val.subList(0, e - 1), val.get(e - 1), 1),
          "the trigger is the first epoch whose validation is worse than the best before the last one: " + val);
    }
    for (EpochMetrics m : r.epochs()) assertEquals(m.epoch() > trigger, m.asgd(), "epoch " + m.epoch() + " validated averaged weights");

    var conf = sc.hadoopConfiguration();
    Checkpoints.Loaded last = Checkpoints.latest(layout, conf).orElseThrow();
    assertEquals(trigger, last.state().asgdTriggerEpoch());
    var model = dev.awdlm.eval.SavedModel.loadNetwork("model", layout.model(), conf);
    assertEquals(last.asgdAverage(), model.params(), "the saved model is the running average, not the last iterate");
    assertFalse(last.net().params().equals(model.params()), "the last iterate differs from the average");
    var valFiles = dev.awdlm.io.HadoopFs.listFiles(layout.batches("valid"), dev.awdlm.batch.StreamExporter.SUFFIX, conf);
    double modelPpl = new dev.awdlm.eval.PerplexityEvaluator(sgd.train().bptt()).evaluate(model, valFiles, conf).perplexity();
    assertEquals(val.get(5), modelPpl, 1e-6 * modelPpl, "the last validation figure is the saved model's");
  }

  @Test
  void theStockLstmBaselineTrainsThroughTheSameLoopWithAPerTokenNll() {
    // DL4J's RnnOutputLayer sums its score over a segment's steps; the trainer reports per token.
    TrainResult r = Trainer.train(config("model.kind=lstm", "model.tied=false", "train.epochs=1"), sc, layout, prepared);
    EpochMetrics m = r.epochs().get(0);
    assertTrue(m.trainNll() > 1 && m.trainNll() < Math.log(prepared.vocabSize()) + 1, "per-token NLL: " + m.trainNll());
    assertTrue(Double.isFinite(m.trainPpl()) && Double.isFinite(m.valPpl()), m.toString());
    assertTrue(Math.abs(Math.log(m.trainPpl()) - Math.log(m.valPpl())) < 1.5, "train and validation on one scale: " + m);
  }
}
