package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.testing.FlakyFileSystem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parser's failure on bytes the filesystem delivered is the file's fault; a read that timed out
 * is the filesystem's, however the parser reported it. Reads go through {@link FlakyFileSystem}.
 */
class FileParserTest {
  @TempDir Path tmp;
  private final Configuration conf = new Configuration();
  private org.apache.hadoop.fs.Path file;

  @BeforeEach
  void file() throws IOException {
    FlakyFileSystem.register(conf);
    Files.writeString(tmp.resolve("f.txt"), "0123456789");
    file = FlakyFileSystem.of(tmp.resolve("f.txt"));
  }

  @AfterEach
  void noFaults() {
    FlakyFileSystem.reset();
  }

  /** Reads the whole file as a parser that reports every failure, its stream's included, as its own. */
  private static String wrappingParser(java.io.InputStream in) {
    try {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("bad content", e);
    }
  }

  @Test
  void aFileThatParsesGivesTheParsersValue() throws Exception {
    assertEquals("0123456789", FileParser.parse(file, conf, FileParserTest::wrappingParser));
  }

  @Test
  void aParserFailureOnDeliveredBytesIsUnparsable() {
    FileParser.Unparsable e = assertThrows(FileParser.Unparsable.class, () -> FileParser.parse(file, conf, in -> {
      in.readAllBytes();
      throw new IOException("not a zip"); // as a truncated zip fails
    }));
    assertEquals("not a zip", e.getCause().getMessage());
  }

  @Test
  void aReadThatTimesOutIsTheFilesystemsFailureThoughTheParserWrappedIt() {
    FlakyFileSystem.failReads("f.txt", 4);
    IOException e = assertThrows(IOException.class, () -> FileParser.parse(file, conf, FileParserTest::wrappingParser));
    assertTrue(e.getMessage().contains("injected fault"), e.getMessage());
  }

  @Test
  void aMissingFileCannotBeOpened() {
    assertThrows(IOException.class, () -> FileParser.parse(FlakyFileSystem.of(tmp.resolve("gone")), conf, in -> in.read()));
  }
}
