package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import dev.awdlm.testing.FullDiskFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HadoopFsTest {
  private final Configuration conf = new Configuration();

  @Test
  void relativeFileUriResolvesAgainstTheWorkingDirectory() {
    // file:./runs is output.dir's default
    org.apache.hadoop.fs.Path p = HadoopFs.location("output.dir", "file:./runs");
    assertEquals("file", p.toUri().getScheme());
    assertEquals(Path.of("runs").toAbsolutePath().toString(), p.toUri().getPath());
    assertEquals("file:" + Path.of("x").toAbsolutePath(), HadoopFs.location("output.dir", "file:./runs/../x/").toString());
  }

  @Test
  void absoluteAndSchemelessLocationsAreKept() {
    assertEquals("hdfs://nn:8020/runs", HadoopFs.location("output.dir", "hdfs://nn:8020/runs").toString());
    assertEquals("file:/tmp/runs", HadoopFs.location("output.dir", "file:/tmp/runs").toString());
    assertEquals("/runs", HadoopFs.location("output.dir", "/runs").toString());
  }

  @Test
  void invalidLocationNamesKeyAndValue() {
    ConfigError e = assertThrows(ConfigError.class, () -> HadoopFs.location("output.dir", "hdfs:runs"));
    assertTrue(e.getMessage().contains("output.dir") && e.getMessage().contains("hdfs:runs"), e.getMessage());
  }

  @Test
  void expandInputsIsSortedSkipsHiddenFilesAndNamesMissingPaths(@TempDir Path dir) throws Exception {
    Files.writeString(Files.createDirectories(dir.resolve("b")).resolve("2.txt"), "x");
    Files.writeString(dir.resolve("b/1.txt"), "x");
    Files.writeString(dir.resolve("a.txt"), "x");
    Files.writeString(dir.resolve("_SUCCESS"), "");
    Files.writeString(dir.resolve(".a.txt.crc"), "");
    List<org.apache.hadoop.fs.Path> files = HadoopFs.expandInputs("data.train", List.of(dir.toUri().toString()), conf);
    assertEquals(List.of("a.txt", "1.txt", "2.txt"), files.stream().map(org.apache.hadoop.fs.Path::getName).toList());
    assertEquals(2, HadoopFs.expandInputs("data.train", List.of(dir + "/b/*.txt"), conf).size());

    ConfigError missing = assertThrows(ConfigError.class,
        () -> HadoopFs.expandInputs("data.valid", List.of(dir + "/nope.txt"), conf));
    assertTrue(missing.getMessage().contains("data.valid") && missing.getMessage().contains("nope.txt"), missing.getMessage());
    Files.createDirectories(dir.resolve("empty"));
    ConfigError empty = assertThrows(ConfigError.class,
        () -> HadoopFs.expandInputs("data.test", List.of(dir + "/empty"), conf));
    assertTrue(empty.getMessage().contains("matches no files"), empty.getMessage());
  }

  @Test
  void writeAtomicallyLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("r.json").toUri());
    HadoopFs.writeAtomically(target, conf, "{\"a\":1}\n");
    HadoopFs.writeAtomically(target, conf, "{\"a\":2}\n");
    assertEquals("{\"a\":2}\n", Files.readString(dir.resolve("r.json")));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of("r.json"), listing.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".crc")).toList());
    }
    assertThrows(RuntimeException.class, () -> HadoopFs.writeAtomically(target, conf, out -> {
      out.write("partial".getBytes());
      throw new java.io.IOException("disk full");
    }));
    assertEquals("{\"a\":2}\n", Files.readString(dir.resolve("r.json")), "a failed write keeps the old content");
    try (var listing = Files.list(dir)) {
      assertFalse(listing.anyMatch(p -> p.getFileName().toString().contains("tmp")), "no temporary file left");
    }
  }

  @Test
  void writeAtomicallyRefusesADirectoryTarget(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("latest"));
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(dir.resolve("latest").toUri());
    RuntimeException e = assertThrows(RuntimeException.class, () -> HadoopFs.writeAtomically(target, conf, "r1\n"));
    assertTrue(String.valueOf(e.getMessage()).contains(target.toString()), e.getMessage());
    assertTrue(Files.isDirectory(dir.resolve("latest")));
    try (var inside = Files.list(dir.resolve("latest")); var beside = Files.list(dir)) {
      assertEquals(List.of(), inside.toList(), "nothing moved into the directory");
      assertEquals(List.of("latest"), beside.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    }
  }

  @Test
  void aFullDiskFailsTheWriteWithHadoopsErrorAndLeavesNoTemporaryFile(@TempDir Path dir) throws Exception {
    Configuration full = new Configuration();
    full.set("fs.full.impl", FullDiskFileSystem.class.getName());
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(FullDiskFileSystem.SCHEME, null, dir.resolve("r.json").toString());
    assertThrows(FSError.class, () -> HadoopFs.writeAtomically(target, full, "{}\n"));
    try (var listing = Files.list(dir)) {
      assertEquals(List.of(), listing.map(p -> p.getFileName().toString()).toList(), "no temporary file left");
    }
  }
}
