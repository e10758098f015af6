package dev.awdlm.io;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;

/**
 * Hadoop's local filesystem, except that it sets a file's permission bits through java.nio instead
 * of starting a {@code chmod} process. Without libhadoop (which Maven's Hadoop client does not
 * ship), {@link RawLocalFileSystem} forks {@code chmod} for every file it creates and every
 * directory it makes: about 5 ms each, half of {@code prepare}'s time on a corpus cut into thousands
 * of DataSet files. Registered as {@code fs.file.impl} by {@link dev.awdlm.spark.SparkSessions}.
 * Permissions come out exactly as Hadoop's (the umask is applied by Hadoop before this is called).
 */
public final class NioLocalFileSystem extends LocalFileSystem {
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  public NioLocalFileSystem() {
    super(new Raw());
  }

  static final class Raw extends RawLocalFileSystem {
    @Override
    public void setPermission(Path p, FsPermission permission) throws IOException {
      // The sticky bit has no java.nio equivalent; Windows has no POSIX bits: leave those to Hadoop.
      if (!POSIX || permission.getStickyBit()) {
        super.setPermission(p, permission);
        return;
      }
      String bits = permission.toString().substring(0, 9); // "rwxr-x---"
      Files.setPosixFilePermissions(pathToFile(p).toPath(), PosixFilePermissions.fromString(bits));
    }
  }
}
