package dev.awdlm.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;

/**
 * Single-file operations on any Hadoop filesystem for what {@link HadoopFs}'s whole-file reads and
 * atomic writes do not cover: streams (DataSets, models, compressed input), sizes, directory
 * entries and modification times (the registry lease). Each opens the path's filesystem as
 * {@link HadoopFs#fs} does and, like {@code FileSystem}, reports a missing path as a
 * {@link java.io.FileNotFoundException}, so callers that expect one keep telling it apart.
 */
public final class HadoopFiles {
  private HadoopFiles() {}

  /** A file's content and modification time, read together. */
  public record Stamped(byte[] bytes, long modificationTime) {}

  public static InputStream open(Path file, Configuration conf) throws IOException {
    return HadoopFs.fs(file, conf).open(file);
  }

  /** A new file, or an existing one replaced (not atomically: for files no reader sees before the stage ends). */
  public static OutputStream create(Path file, Configuration conf) throws IOException {
    return HadoopFs.fs(file, conf).create(file, true);
  }

  /** The size in bytes (compressed size for a compressed file). */
  public static long length(Path file, Configuration conf) throws IOException {
    return HadoopFs.fs(file, conf).getFileStatus(file).getLen();
  }

  /** Files and directories directly under {@code dir}, in the filesystem's order. */
  public static List<FileStatus> list(Path dir, Configuration conf) throws IOException {
    return Arrays.asList(HadoopFs.fs(dir, conf).listStatus(dir));
  }

  /** The content, then the modification time, of one file. */
  public static Stamped readStamped(Path file, Configuration conf) throws IOException {
    var fs = HadoopFs.fs(file, conf);
    try (InputStream in = fs.open(file)) {
      byte[] bytes = in.readAllBytes();
      return new Stamped(bytes, fs.getFileStatus(file).getModificationTime());
    }
  }

  /** Sets the modification time, leaving the access time. */
  public static void touch(Path file, long modificationTime, Configuration conf) throws IOException {
    HadoopFs.fs(file, conf).setTimes(file, modificationTime, -1);
  }
}
