package dev.awdlm.score;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.testing.TestFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The tiny model the scoring, generation and transformer tests share: trained once per test JVM
 * on the tiny corpus (src/test/resources/it/tiny.conf), a few seconds. Five epochs instead of
 * tiny.conf's one, so that it has learned word order well enough to tell real sentences from
 * shuffled ones.
 */
public final class TinyModel {
  public static final int EPOCHS = 5;
  private static Path root;

  private TinyModel() {}

  /** The run directory, which holds the saved model in {@code model/}. */
  public static synchronized Path run(JavaSparkContext sc) {
    if (root == null) {
      try {
        Path dir = Files.createTempDirectory("awdlm-tiny-model");
        Path corpus = TestFiles.corpus("tiny", dir.resolve("corpus"));
        AwdlmConfig config = ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", dir.resolve("tiny.conf")).toFile(), List.of(
            "data.train=" + corpus.resolve("train.txt").toUri(), "data.valid=" + corpus.resolve("valid.txt").toUri(),
            "data.test=" + corpus.resolve("test.txt").toUri(), "output.dir=" + dir.resolve("runs").toUri(),
            "train.epochs=" + EPOCHS));
        Pipeline.run(config, RunLayout.of(config.output(), "tiny"), sc);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> TestFiles.deleteRecursively(dir)));
        root = dir;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root.resolve("runs/tiny");
  }

  /** The corpus the model was trained on: {@code train.txt}, {@code valid.txt}, {@code test.txt}. */
  public static Path corpus(JavaSparkContext sc) {
    run(sc);
    return root.resolve("corpus");
  }
}
