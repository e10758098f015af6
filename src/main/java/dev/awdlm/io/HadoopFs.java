package dev.awdlm.io;

import dev.awdlm.config.ConfigError;
import dev.awdlm.config.Location;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.PathIsDirectoryException;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.spark.SparkConf;
import org.apache.spark.deploy.SparkHadoopUtil;

/** Filesystem helpers that behave the same on {@code file:}, {@code hdfs:} and other Hadoop URIs. */
public final class HadoopFs {
  private HadoopFs() {}

  /** The Hadoop configuration Spark would use (spark.hadoop.* keys applied), without starting Spark. */
  public static Configuration configuration(SparkConf sparkConf) {
    return SparkHadoopUtil.get().newConfiguration(sparkConf);
  }

  /**
   * The filesystem of {@code path}. The local filesystem is used raw, so no {@code .crc} side files
   * appear next to reports and renames replace files atomically.
   */
  public static FileSystem fs(Path path, Configuration conf) {
    try {
      return open(path, conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open filesystem of " + path, e);
    }
  }

  /**
   * The filesystem of a user-supplied location. One that Hadoop cannot open, for an unknown scheme
   * or host, is the user's input at fault: a {@link ConfigError} naming {@code key}.
   */
  public static FileSystem fs(String key, Path path, Configuration conf) {
    try {
      return open(path, conf);
    } catch (IOException | IllegalArgumentException e) { // HDFS's client wraps UnknownHostException in the latter
      throw new ConfigError(key, path.toString(), "names a filesystem Hadoop cannot open: " + e.getMessage());
    }
  }

  private static FileSystem open(Path path, Configuration conf) throws IOException {
    FileSystem fs = path.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  /** A user-supplied location as a Hadoop path (see {@link Location#parse}). */
  public static Path location(String key, String location) {
    return Location.parse(key, location);
  }

  /** {@code path} made absolute and scheme-qualified, so executors resolve it the same way. */
  public static Path qualify(Path path, Configuration conf) {
    return fs(path, conf).makeQualified(path);
  }

  /**
   * Expands files, directories (their visible files, recursively) and globs into a sorted list of
   * files. The order is by full path, so the token stream does not depend on listing order.
   *
   * @param key config key the patterns came from, named in the error
   */
  public static List<Path> expandInputs(String key, List<String> patterns, Configuration conf) {
    List<Path> files = new ArrayList<>();
    for (String pattern : patterns) {
      Path p = location(key, pattern);
      FileSystem fs = fs(key, p, conf);
      FileStatus[] matches;
      try {
        matches = fs.globStatus(p);
      } catch (IOException e) {
        throw new ConfigError(key, pattern, "cannot be read: " + e.getMessage());
      }
      if (matches == null || matches.length == 0) throw new ConfigError(key, pattern, "no such file or directory");
      int before = files.size();
      for (FileStatus m : matches) collectFiles(fs, m, files);
      if (files.size() == before) throw new ConfigError(key, pattern, "matches no files (only empty directories)");
    }
    files.sort(Comparator.comparing(Path::toString));
    return files;
  }

  private static void collectFiles(FileSystem fs, FileStatus status, List<Path> out) {
    String name = status.getPath().getName();
    if (name.startsWith(".") || name.startsWith("_")) return; // Hadoop's hidden files (_SUCCESS, .crc)
    if (status.isFile()) {
      out.add(fs.makeQualified(status.getPath()));
      return;
    }
    try {
      for (FileStatus child : fs.listStatus(status.getPath())) collectFiles(fs, child, out);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + status.getPath(), e);
    }
  }

  /** Something that writes a file's content. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  /**
   * Writes {@code target} so that readers see the old content or the complete new one, never a
   * part: the bytes go to a hidden temporary sibling, which is then renamed over the target. A
   * directory at {@code target} fails the write.
   */
  public static void writeAtomically(Path target, Configuration conf, Writer writer) {
    FileSystem fs = fs(target, conf);
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      try (OutputStream out = fs.create(tmp, false)) {
        writer.write(out);
      }
      replace(fs, tmp, target);
    } catch (IOException e) {
      deleteQuietly(fs, tmp);
      throw new UncheckedIOException("cannot write " + target, e);
    } catch (RuntimeException | Error e) { // Hadoop's local filesystem reports a full disk as FSError, an Error
      deleteQuietly(fs, tmp);
      throw e;
    }
  }

  public static void writeAtomically(Path target, Configuration conf, String text) {
    writeAtomically(target, conf, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Renames a finished temporary file over {@code target}, atomically where the filesystem can.
   * A directory at {@code target} is an error, never replaced or written into.
   */
  static void replace(FileSystem fs, Path tmp, Path target) throws IOException {
    if (fs instanceof DistributedFileSystem dfs) {
      dfs.rename(tmp, target, Options.Rename.OVERWRITE); // one NameNode operation; it refuses a directory target
      return;
    }
    if (fs.rename(tmp, target)) {
      if (!isDirectory(fs, target)) return; // POSIX rename replaces atomically
      // Hadoop's local rename moves a file into a directory of the target's name rather than fail.
      deleteQuietly(fs, new Path(target, tmp.getName()));
      throw new PathIsDirectoryException(target.toString());
    }
    if (isDirectory(fs, target)) throw new PathIsDirectoryException(target.toString());
    // Stores whose rename refuses an existing target: the only non-atomic path, kept short.
    if (fs.exists(target) && fs.delete(target, false) && fs.rename(tmp, target)) return;
    throw new IOException("cannot rename " + tmp + " to " + target);
  }

  private static boolean isDirectory(FileSystem fs, Path path) throws IOException {
    try {
      return fs.getFileStatus(path).isDirectory();
    } catch (FileNotFoundException e) {
      return false;
    }
  }

  /** Whether {@code path} is an existing directory. */
  public static boolean isDirectory(Path path, Configuration conf) {
    try {
      return isDirectory(fs(path, conf), path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  /**
   * Creates {@code file} with {@code content} only if no file of that name exists, atomically: of
   * several concurrent callers exactly one gets true, and no reader ever sees the file half-written.
   * The bytes go to a hidden temporary sibling, which is then published under the name only if it
   * is free: a hard link on the local filesystem (link(2) refuses an existing name, while Hadoop's
   * create(overwrite=false) there checks, then opens, and several creators pass the check
   * together), a rename elsewhere (HDFS's NameNode refuses an existing target in one operation).
   * Object stores whose rename only imitates that give no such guarantee.
   */
  public static boolean createNew(Path file, String content, Configuration conf) {
    FileSystem fs = fs(file, conf);
    Path tmp = new Path(file.getParent(), "." + file.getName() + ".new-" + UUID.randomUUID());
    try {
      try (OutputStream out = fs.create(tmp, false)) {
        out.write(content.getBytes(StandardCharsets.UTF_8));
      }
      if (fs instanceof RawLocalFileSystem local) {
        try {
          Files.createLink(local.pathToFile(file).toPath(), local.pathToFile(tmp).toPath());
          return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
          return false;
        }
      }
      return fs.rename(tmp, file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + file, e);
    } finally {
      deleteQuietly(fs, tmp);
    }
  }

  /** Moves a finished directory into place; the target must not exist. */
  public static void publishDirectory(Path tmpDir, Path target, Configuration conf) {
    FileSystem fs = fs(target, conf);
    try {
      if (fs.exists(target)) throw new IOException(target + " already exists");
      if (!fs.rename(tmpDir, target)) throw new IOException("cannot rename " + tmpDir + " to " + target);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static boolean exists(Path path, Configuration conf) {
    try {
      return fs(path, conf).exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check " + path, e);
    }
  }

  public static String readUtf8(Path path, Configuration conf) {
    try (InputStream in = fs(path, conf).open(path)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path, e);
    }
  }

  public static void mkdirs(Path dir, Configuration conf) {
    try {
      if (!fs(dir, conf).mkdirs(dir)) throw new IOException("mkdirs returned false");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + dir, e);
    }
  }

  /** Files directly under {@code dir} whose names end with {@code suffix}, sorted by name. */
  public static List<Path> listFiles(Path dir, String suffix, Configuration conf) {
    try {
      FileSystem fs = fs(dir, conf);
      List<Path> out = new ArrayList<>();
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.isFile() && s.getPath().getName().endsWith(suffix)) out.add(fs.makeQualified(s.getPath()));
      }
      out.sort(Comparator.comparing(Path::getName));
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
  }

  public static void deleteQuietly(FileSystem fs, Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException ignored) {
      // best effort: the path is a hidden temporary that readers skip anyway
    }
  }

  /** Deletes everything {@code glob} matches. */
  public static void deleteMatching(Path glob, Configuration conf) {
    FileSystem fs = fs(glob, conf);
    try {
      FileStatus[] matches = fs.globStatus(glob);
      if (matches != null) for (FileStatus m : matches) fs.delete(m.getPath(), true);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + glob, e);
    }
  }

  public static void deleteRecursively(Path path, Configuration conf) {
    deleteQuietly(fs(path, conf), path);
  }
}
