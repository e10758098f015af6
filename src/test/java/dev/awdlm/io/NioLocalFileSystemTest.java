package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awdlm.spark.SparkSessions;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermissions;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.NativeCodeLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NioLocalFileSystemTest {
  @TempDir java.nio.file.Path dir;

  /** Processes this machine has started since boot (Linux's /proc/stat), or -1 where it is not available. */
  private static long forksSinceBoot() throws IOException {
    java.nio.file.Path stat = java.nio.file.Path.of("/proc/stat");
    if (!Files.isReadable(stat)) return -1;
    for (String line : Files.readAllLines(stat)) {
      if (line.startsWith("processes ")) return Long.parseLong(line.substring("processes ".length()).trim());
    }
    return -1;
  }

  private long forksToCreate(FileSystem fs, String prefix, int files) throws IOException {
    long before = forksSinceBoot();
    for (int i = 0; i < files; i++) {
      try (OutputStream out = fs.create(new Path(dir.toUri().toString(), prefix + i), true)) {
        out.write(1);
      }
    }
    return forksSinceBoot() - before;
  }

  private static Configuration nioConf() {
    Configuration conf = new Configuration();
    conf.set("fs.file.impl", NioLocalFileSystem.class.getName());
    return conf;
  }

  private static FileSystem raw(FileSystem fs) {
    return ((LocalFileSystem) fs).getRawFileSystem();
  }

  @Test
  void createsAFileWithoutStartingAChmodProcessWhereStockHadoopStartsOnePerFile() throws IOException {
    assumeTrue(forksSinceBoot() >= 0, "needs Linux's /proc/stat");
    assumeTrue(!NativeCodeLoader.isNativeCodeLoaded(), "with libhadoop loaded, stock Hadoop forks nothing either");
    Configuration stockConf = new Configuration();
    FileSystem stock = raw(FileSystem.newInstance(dir.toUri(), stockConf));
    Configuration ours = nioConf();
    FileSystem nio = raw(FileSystem.newInstance(dir.toUri(), ours));
    int files = 60;
    // Without libhadoop, stock Hadoop forks chmod for every file it creates: this is what we avoid.
    long stockForks = forksToCreate(stock, "stock-", files);
    assertTrue(stockForks >= files, "stock Hadoop started " + stockForks + " processes for " + files + " files");
    // Other processes on the machine may start a few meanwhile; one per file would be 60.
    long nioForks = forksToCreate(nio, "nio-", files);
    assertTrue(nioForks < files / 4, "started " + nioForks + " processes for " + files + " files");
  }

  @Test
  void aCreatedFileAndDirectoryGetTheSamePermissionsAsStockHadoopGives() throws IOException {
    Configuration stockConf = new Configuration();
    FileSystem stock = raw(FileSystem.newInstance(dir.toUri(), stockConf));
    Configuration ours = nioConf();
    FileSystem nio = raw(FileSystem.newInstance(dir.toUri(), ours));
    for (String umask : new String[] {"022", "077"}) {
      stockConf.set("fs.permissions.umask-mode", umask);
      ours.set("fs.permissions.umask-mode", umask);
      stock.setConf(stockConf);
      nio.setConf(ours);
      Path a = new Path(dir.toUri().toString(), "stock-" + umask + "/f");
      Path b = new Path(dir.toUri().toString(), "nio-" + umask + "/f");
      stock.mkdirs(a.getParent());
      nio.mkdirs(b.getParent());
      try (OutputStream out = stock.create(a, true)) {
        out.write("x".getBytes(StandardCharsets.UTF_8));
      }
      try (OutputStream out = nio.create(b, true)) {
        out.write("x".getBytes(StandardCharsets.UTF_8));
      }
      assertEquals(posix(a), posix(b), "file, umask " + umask);
      assertEquals(posix(a.getParent()), posix(b.getParent()), "directory, umask " + umask);
      assertArrayEquals(Files.readAllBytes(file(a)), Files.readAllBytes(file(b)));
    }
  }

  @Test
  void setPermissionSetsTheBitsAndFailsOnAMissingFileLikeChmod() throws IOException {
    Configuration ours = nioConf();
    FileSystem nio = raw(FileSystem.newInstance(dir.toUri(), ours));
    Path f = new Path(dir.toUri().toString(), "f");
    nio.create(f, true).close();
    nio.setPermission(f, new FsPermission((short) 0640));
    assertEquals("rw-r-----", posix(f));
    nio.setPermission(f, new FsPermission((short) 0705));
    assertEquals("rwx---r-x", posix(f));
    IOException e = assertThrows(IOException.class, () -> nio.setPermission(new Path(dir.toUri().toString(), "missing"), FsPermission.getFileDefault()));
    assertTrue(e.getMessage().contains("missing"), e.getMessage());
  }

  @Test
  void everyAwdlmSessionUsesIt() throws IOException {
    Configuration conf = SparkSessions.hadoopConfiguration();
    FileSystem fs = FileSystem.newInstance(dir.toUri(), conf);
    assertInstanceOf(NioLocalFileSystem.class, fs);
  }

  private static java.nio.file.Path file(Path p) {
    return java.nio.file.Path.of(p.toUri());
  }

  private static String posix(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(file(p)));
  }
}
