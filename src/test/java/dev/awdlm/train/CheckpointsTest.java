package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.FlakyFileSystem;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * Checkpoints on a filesystem that fails: a read that times out is not corruption, pruning never
 * removes a checkpoint the run did not replace, and a failed or interrupted write of {@code best/}
 * leaves the previous one readable. Files are written through {@code file:} and read back through
 * {@link FlakyFileSystem}'s {@code flaky:} view of the same directory.
 */
class CheckpointsTest {
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();
  private RunLayout local;
  private RunLayout flaky;

  @BeforeEach
  void layouts() {
    FlakyFileSystem.register(conf);
    local = RunLayout.of(new org.apache.hadoop.fs.Path(tmp.toUri()), "r");
    flaky = RunLayout.of(FlakyFileSystem.of(tmp), "r");
  }

  @AfterEach
  void noFaults() {
    FlakyFileSystem.reset();
  }

  private static MultiLayerNetwork net(long seed) {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(seed).updater(new Adam(0.01)).list()
        .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(4).nOut(3).activation(Activation.IDENTITY).build())
        .build());
    net.init();
    return net;
  }

  private static Checkpoints.State state(int epoch, long asgdCount) {
    return new Checkpoints.State(epoch, "hash", 1, 0, asgdCount > 0 ? 1 : 0, asgdCount, List.of(), 100.0 / epoch, epoch, epoch,
        List.of());
  }

  /** Epochs 1 and 2, each with an NT-ASGD average. */
  private void twoEpochs() {
    for (int epoch = 1; epoch <= 2; epoch++) {
      MultiLayerNetwork net = net(epoch);
      Checkpoints.write(local, state(epoch, 3), net, net.params().mul(2), conf);
    }
  }

  private Path dir(String name) {
    return tmp.resolve("r/checkpoints/" + name);
  }

  private List<String> names() throws Exception {
    try (Stream<Path> s = Files.list(tmp.resolve("r/checkpoints"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.zip", "state.json", "asgd-average.bin"})
  void aReadThatTimesOutIsNotTreatedAsCorruption(String file) throws Exception {
    twoEpochs();
    byte[] before = Files.readAllBytes(dir("epoch-0002").resolve(file));
    FlakyFileSystem.failReads("epoch-0002/" + file, file.equals("state.json") ? 0 : before.length / 2);
    UncheckedIOException e = assertThrows(UncheckedIOException.class, () -> Checkpoints.latest(flaky, conf),
        "not skipped in favour of epoch 1");
    assertTrue(e.getMessage().contains("epoch-0002") && e.getMessage().contains("injected fault"), e.getMessage());
    assertArrayEquals(before, Files.readAllBytes(dir("epoch-0002").resolve(file)));
    FlakyFileSystem.reset();
    assertEquals(2, Checkpoints.latest(flaky, conf).orElseThrow().state().epoch(), "readable once the store answers");
  }

  @ParameterizedTest
  @ValueSource(strings = {"truncated model.zip", "empty model.zip", "missing model.zip", "invalid state.json",
      "missing state.json", "truncated asgd-average.bin", "missing asgd-average.bin"})
  void aCorruptOrPartialCheckpointIsSkippedForTheOneBefore(String damage) throws Exception {
    twoEpochs();
    String[] what = damage.split(" ");
    Path file = dir("epoch-0002").resolve(what[1]);
    byte[] bytes = Files.readAllBytes(file);
    switch (what[0]) {
      case "truncated" -> Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
      case "empty" -> Files.write(file, new byte[0]);
      case "missing" -> Files.delete(file);
      default -> Files.writeString(file, "{\"epoch\": 2, \"config_hash");
    }
    Checkpoints.Loaded back = Checkpoints.latest(flaky, conf).orElseThrow();
    assertEquals(1, back.state().epoch(), damage);
    assertEquals(net(1).params(), back.net().params());
  }

  @Test
  void writingAnEpochNeverPrunesANewerOne() throws Exception {
    // Epochs 3 and 4 a resume skipped as corrupt; the run restarted from epoch 1 (train --resume --force).
    Checkpoints.write(local, state(3, 0), net(3), null, conf);
    Checkpoints.write(local, state(4, 0), net(4), null, conf);
    Checkpoints.write(local, state(1, 0), net(1), null, conf);
    assertEquals(List.of("epoch-0001", "epoch-0003", "epoch-0004"), names(), "the epoch just written is kept");
    Checkpoints.write(local, state(2, 0), net(2), null, conf);
    Checkpoints.write(local, state(3, 0), net(33), null, conf);
    assertEquals(List.of("epoch-0002", "epoch-0003", "epoch-0004"), names(), "the older ones go, the newer one stays");
    assertEquals(net(33).params(), Checkpoints.read(new org.apache.hadoop.fs.Path(dir("epoch-0003").toUri()), conf).net().params(),
        "epoch 3 was replaced by the run that rewrote it");
  }

  @Test
  void aFailedWriteOfBestLeavesThePreviousBestInPlace() throws Exception {
    Checkpoints.writeBest(local, state(1, 0), net(1), conf);
    FlakyFileSystem.failCreates("best");
    assertThrows(UncheckedIOException.class, () -> Checkpoints.writeBest(flaky, state(2, 0), net(2), conf));
    FlakyFileSystem.reset();
    assertBest(1);
  }

  @Test
  void aCrashBetweenTheRenamesOfBestLosesNothing() throws Exception {
    Checkpoints.writeBest(local, state(1, 0), net(1), conf);
    // As if the driver died after moving best/ aside and before moving the new one in.
    Files.move(dir("best"), dir(".best.old"));
    FlakyFileSystem.failCreates("best");
    assertThrows(UncheckedIOException.class, () -> Checkpoints.writeBest(flaky, state(2, 0), net(2), conf));
    FlakyFileSystem.reset();
    assertBest(1);
    Checkpoints.writeBest(local, state(2, 0), net(2), conf);
    assertBest(2);
    assertFalse(names().stream().anyMatch(n -> n.startsWith(".")), "nothing hidden left: " + names());
  }

  @Test
  void recoverBestPutsTheAsideCopyBack() throws Exception {
    Checkpoints.writeBest(local, state(1, 0), net(1), conf);
    Files.move(dir("best"), dir(".best.old"));
    Checkpoints.recoverBest(local, conf);
    assertBest(1);
  }

  private void assertBest(int epoch) throws Exception {
    Checkpoints.Loaded best = Checkpoints.read(new org.apache.hadoop.fs.Path(dir("best").toUri()), conf);
    assertEquals(epoch, best.state().epoch());
    assertEquals(net(epoch).params(), best.net().params(), "best/ holds the whole model of epoch " + epoch);
  }
}
