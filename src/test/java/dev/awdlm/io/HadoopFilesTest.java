package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.FileNotFoundException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Streams and file metadata on the local filesystem, as the stages and the lease use them. */
class HadoopFilesTest {
  private final Configuration conf = new Configuration();
  @TempDir Path dir;

  private org.apache.hadoop.fs.Path path(String name) {
    return new org.apache.hadoop.fs.Path(dir.resolve(name).toUri());
  }

  @Test
  void createReplacesAFileWithoutChecksumSideFiles() throws Exception {
    org.apache.hadoop.fs.Path file = path("part-000000.bin");
    for (String content : new String[] {"first attempt", "retry"}) {
      try (OutputStream out = HadoopFiles.create(file, conf)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
    }
    try (InputStream in = HadoopFiles.open(file, conf)) {
      assertEquals("retry", new String(in.readAllBytes(), StandardCharsets.UTF_8));
    }
    assertEquals(5, HadoopFiles.length(file, conf));
    assertEquals(List.of("part-000000.bin"), HadoopFiles.list(path(""), conf).stream().map(s -> s.getPath().getName()).toList());
  }

  @Test
  void aTouchedFileReadsBackWithItsNewModificationTime() throws Exception {
    org.apache.hadoop.fs.Path file = path("1");
    Files.writeString(dir.resolve("1"), "holder");
    HadoopFiles.touch(file, 1_700_000_000_000L, conf);
    HadoopFiles.Stamped s = HadoopFiles.readStamped(file, conf);
    assertArrayEquals("holder".getBytes(StandardCharsets.UTF_8), s.bytes());
    assertEquals(1_700_000_000_000L, s.modificationTime());
  }

  /** The lease tells a generation removed under it from a failure by this exception. */
  @Test
  void aMissingPathIsAFileNotFoundException() {
    assertThrows(FileNotFoundException.class, () -> HadoopFiles.readStamped(path("gone"), conf));
    assertThrows(FileNotFoundException.class, () -> HadoopFiles.touch(path("gone"), 0, conf));
    assertThrows(FileNotFoundException.class, () -> HadoopFiles.list(path("no-dir"), conf));
    assertThrows(FileNotFoundException.class, () -> HadoopFiles.open(path("gone"), conf));
  }
}
