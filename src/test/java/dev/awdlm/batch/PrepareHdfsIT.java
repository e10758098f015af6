package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** prepare reading from and writing to a real HDFS, with gzip input, against the same run on local files. */
@ExtendWith({MiniDfsExtension.class, SparkExtension.class})
class PrepareHdfsIT {

  @Test
  void hdfsInAndOutMatchesLocal(Hdfs hdfs, JavaSparkContext sc, @TempDir Path tmp) throws Exception {
    Path local = TestFiles.corpus("tiny", tmp.resolve("tiny"));
    FileSystem fs = hdfs.fs();
    fs.mkdirs(new org.apache.hadoop.fs.Path("/corpus/train"));
    try (OutputStream out = new GZIPOutputStream(fs.create(new org.apache.hadoop.fs.Path("/corpus/train/part-1.txt.gz")))) {
      Files.copy(local.resolve("train.txt"), out);
    }
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.resolve("valid.txt").toUri()), new org.apache.hadoop.fs.Path("/corpus/valid.txt"));
    fs.copyFromLocalFile(new org.apache.hadoop.fs.Path(local.resolve("test.txt").toUri()), new org.apache.hadoop.fs.Path("/corpus/test.txt"));

    AwdlmConfig onHdfs = PrepareFixtures.config(List.of("data.train=" + hdfs.path("/corpus/train"),
        "data.valid=" + hdfs.path("/corpus/valid.txt"), "data.test=" + hdfs.path("/corpus/test.txt"),
        "output.dir=" + hdfs.path("/runs"), "data.partitions=2"));
    RunLayout hdfsRun = RunLayout.of(onHdfs.output(), "h");
    PrepareStats fromHdfs = PrepareJob.run(onHdfs, sc, hdfsRun);

    AwdlmConfig onDisk = PrepareFixtures.config(List.of("data.train=" + local.resolve("train.txt").toUri(),
        "data.valid=" + local.resolve("valid.txt").toUri(), "data.test=" + local.resolve("test.txt").toUri(),
        "output.dir=" + tmp.resolve("runs").toUri(), "data.partitions=2"));
    RunLayout diskRun = RunLayout.of(onDisk.output(), "l");
    PrepareStats fromDisk = PrepareJob.run(onDisk, sc, diskRun);

    assertEquals(HadoopFs.readUtf8(diskRun.vocab(), sc.hadoopConfiguration()), HadoopFs.readUtf8(hdfsRun.vocab(), hdfs.conf()));
    for (String split : PrepareJob.SPLITS) {
      assertEquals(fromDisk.splits().get(split).tokens(), fromHdfs.splits().get(split).tokens(), split);
      List<org.apache.hadoop.fs.Path> hdfsFiles = HadoopFs.listFiles(hdfsRun.batches(split), StreamExporter.SUFFIX, hdfs.conf());
      List<org.apache.hadoop.fs.Path> diskFiles = HadoopFs.listFiles(diskRun.batches(split), StreamExporter.SUFFIX, sc.hadoopConfiguration());
      assertEquals(diskFiles.size(), hdfsFiles.size(), split);
      for (int i = 0; i < diskFiles.size(); i++) {
        assertEquals(StreamExporter.read(diskFiles.get(i), sc.hadoopConfiguration()),
            StreamExporter.read(hdfsFiles.get(i), hdfs.conf()), split + " file " + i);
      }
    }
    assertTrue(fromHdfs.splits().get("train").files().get(0).path().startsWith("hdfs://"));
    assertTrue(fs.exists(new org.apache.hadoop.fs.Path("/runs/h/prepare.json")));
    for (FileStatus s : fs.listStatus(new org.apache.hadoop.fs.Path("/runs"))) {
      assertFalse(s.getPath().getName().startsWith("."), "staging left behind: " + s.getPath());
    }
  }
}
