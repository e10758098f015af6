package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.testing.FlakyFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directories written whole or not at all, on the local filesystem and through injected faults. */
class DirectoriesTest {
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();

  @BeforeEach
  void register() {
    FlakyFileSystem.register(conf);
  }

  @AfterEach
  void noFaults() {
    FlakyFileSystem.reset();
  }

  private org.apache.hadoop.fs.Path local(String name) {
    return new org.apache.hadoop.fs.Path(new org.apache.hadoop.fs.Path(tmp.toUri()), name);
  }

  private void write(org.apache.hadoop.fs.Path target, String... files) throws IOException {
    Directories.write(target, conf, dir -> {
      for (String f : files) dir.file(f, out -> out.write(f.getBytes(StandardCharsets.UTF_8)));
    });
  }

  /** Every name in the temporary directory, with the files of its subdirectories, sorted. */
  private List<String> tree() throws IOException {
    try (Stream<Path> s = Files.walk(tmp)) {
      return s.filter(p -> !p.equals(tmp)).map(p -> tmp.relativize(p).toString()).sorted().toList();
    }
  }

  @Test
  void aDirectoryIsWrittenWithItsFilesAndNothingHiddenLeft() throws Exception {
    write(local("d"), "a", "b");
    assertEquals(List.of("d", "d/a", "d/b"), tree());
    assertEquals("b", Files.readString(tmp.resolve("d/b")));
  }

  @Test
  void aRewriteReplacesTheWholeDirectory() throws Exception {
    write(local("d"), "a", "b");
    write(local("d"), "c");
    assertEquals(List.of("d", "d/c"), tree(), "no file of the old directory is left");
  }

  @Test
  void whatACrashedWriteLeftIsReplaced() throws Exception {
    Files.createDirectories(tmp.resolve(".d.tmp"));
    Files.writeString(tmp.resolve(".d.tmp/half"), "x");
    write(local("d"), "a");
    assertEquals(List.of("d", "d/a"), tree());
  }

  @Test
  void aFailedWriteLeavesThePreviousDirectoryAndNoStaging() throws Exception {
    write(local("d"), "a");
    FlakyFileSystem.failCreates("/b");
    IOException e = assertThrows(IOException.class, () -> write(FlakyFileSystem.of(tmp.resolve("d")), "a", "b"));
    assertTrue(e.getMessage().contains("injected fault"), e.getMessage());
    assertEquals(List.of("d", "d/a"), tree());
  }

  @Test
  void recoverPutsBackADirectoryACrashLeftAside() throws Exception {
    write(local("d"), "a");
    Files.move(tmp.resolve("d"), tmp.resolve(".d.old")); // the crash fell between the two renames
    Directories.recover(local("d"), conf);
    assertEquals(List.of("d", "d/a"), tree());
    Directories.recover(local("d"), conf);
    assertEquals(List.of("d", "d/a"), tree(), "nothing to recover");
  }

  @Test
  void recoverLeavesACompleteDirectoryAlone() throws Exception {
    write(local("d"), "new");
    Files.createDirectories(tmp.resolve(".d.old"));
    Directories.recover(local("d"), conf);
    assertEquals(List.of(".d.old", "d", "d/new"), tree());
  }

  @Test
  void subdirectoriesAreTheDirectoriesWhoseNamesMatch() throws Exception {
    assertEquals(List.of(), Directories.subdirectories(local("missing"), ".*", conf), "a missing directory has none");
    for (String d : List.of("p/x-1", "p/x-22", "p/.x-3.tmp", "p/y-4")) Files.createDirectories(tmp.resolve(d));
    Files.writeString(tmp.resolve("p/x-5"), "a file");
    List<String> names = Directories.subdirectories(local("p"), "x-\\d+", conf).stream()
        .map(org.apache.hadoop.fs.Path::getName).sorted().toList();
    assertEquals(List.of("x-1", "x-22"), names);
  }
}
