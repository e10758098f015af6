package dev.awdlm.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/** Test resources and scratch files. */
public final class TestFiles {
  private TestFiles() {}

  /** The repository root (Failsafe passes it; Surefire runs there). */
  public static Path projectDir() {
    return Path.of(System.getProperty("awdlm.projectDir", System.getProperty("user.dir"))).toAbsolutePath();
  }

  /** Copies a classpath resource (e.g. {@code corpus/tiny/train.txt}) to {@code target}. */
  public static Path copyResource(String resource, Path target) {
    try (InputStream in = TestFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + resource);
      Files.createDirectories(target.getParent());
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String resource(String resource) {
    try (InputStream in = TestFiles.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) throw new IllegalArgumentException("no test resource " + resource);
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the three splits of {@code corpus/<name>/} into {@code dir}. */
  public static Path corpus(String name, Path dir) {
    for (String split : new String[] {"train", "valid", "test"}) {
      copyResource("corpus/" + name + "/" + split + ".txt", dir.resolve(split + ".txt"));
    }
    return dir;
  }

  public static void deleteRecursively(Path root) {
    if (!Files.exists(root)) return;
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies the tree under {@code from} to {@code to}, which must not exist yet. */
  public static void copyRecursively(Path from, Path to) {
    try (Stream<Path> walk = Files.walk(from)) {
      for (Path p : walk.toList()) Files.copy(p, to.resolve(from.relativize(p).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
