package dev.awdlm.io;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Directories that readers find complete or not at all, on any Hadoop filesystem. One is built in
 * a hidden staging sibling, {@code .<name>.tmp}, and renamed into place when complete, so a crash
 * mid-write leaves nothing that looks finished. One it replaces is first moved aside to
 * {@code .<name>.old} and deleted only once the new one is in place, so a crash leaves one of the
 * two complete.
 */
public final class Directories {
  private Directories() {}

  /** Writes the files of a directory being built. */
  @FunctionalInterface
  public interface Contents {
    void write(Staged dir) throws IOException;
  }

  /** A directory being built. */
  public static final class Staged {
    private final FileSystem fs;
    private final Path dir;

    private Staged(FileSystem fs, Path dir) {
      this.fs = fs;
      this.dir = dir;
    }

    /** Creates the file {@code name} in the directory with what {@code writer} writes. */
    public void file(String name, HadoopFs.Writer writer) throws IOException {
      try (OutputStream out = fs.create(new Path(dir, name), true)) {
        writer.write(out);
      }
    }
  }

  /**
   * Writes the directory {@code target} with {@code contents}, replacing one already there (a
   * file-by-file rewrite would leave a mix of old and new files after a crash).
   *
   * @throws IOException when the filesystem fails; {@code target} is then as it was, and the
   *     staging directory is removed
   */
  public static void write(Path target, Configuration conf, Contents contents) throws IOException {
    Path staging = sibling(target, ".tmp");
    FileSystem fs = HadoopFs.fs(target, conf);
    try {
      fs.delete(staging, true); // what a crashed write of this target left
      fs.mkdirs(staging);
      contents.write(new Staged(fs, staging));
      swapIn(fs, staging, target);
    } catch (IOException e) {
      HadoopFs.deleteQuietly(fs, staging);
      throw e;
    }
  }

  /** Puts {@code target} back from its aside copy when a crash fell between the two renames of a swap. */
  public static void recover(Path target, Configuration conf) {
    Path aside = sibling(target, ".old");
    FileSystem fs = HadoopFs.fs(target, conf);
    try {
      if (!fs.exists(target) && fs.exists(aside)) rename(fs, aside, target);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot restore " + target + " from " + aside, e);
    }
  }

  /** Moves a complete staging directory to {@code target}, the one already there aside until it is in place. */
  private static void swapIn(FileSystem fs, Path staging, Path target) throws IOException {
    Path aside = sibling(target, ".old");
    if (fs.exists(target)) {
      fs.delete(aside, true); // a finished swap's leftover: target is complete
      rename(fs, target, aside);
    }
    try {
      rename(fs, staging, target);
    } catch (IOException e) {
      if (!fs.exists(target) && fs.exists(aside)) fs.rename(aside, target);
      throw e;
    }
    HadoopFs.deleteQuietly(fs, aside);
  }

  private static void rename(FileSystem fs, Path from, Path to) throws IOException {
    if (!fs.rename(from, to)) throw new IOException("cannot rename " + from + " to " + to);
  }

  private static Path sibling(Path target, String suffix) {
    return new Path(target.getParent(), "." + target.getName() + suffix);
  }

  /** The directories directly in {@code dir} whose names match {@code regex}; none when {@code dir} does not exist. */
  public static List<Path> subdirectories(Path dir, String regex, Configuration conf) {
    List<Path> out = new ArrayList<>();
    FileSystem fs = HadoopFs.fs(dir, conf);
    try {
      if (!fs.exists(dir)) return out;
      for (FileStatus s : fs.listStatus(dir)) {
        if (s.isDirectory() && s.getPath().getName().matches(regex)) out.add(s.getPath());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return out;
  }
}
