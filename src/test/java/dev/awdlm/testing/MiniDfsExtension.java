package dev.awdlm.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.MiniDFSCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * A real single-DataNode HDFS (hadoop-client-minicluster) per test class. Tests receive this
 * extension's {@link Hdfs} handle: the {@code hdfs://} URI and a client {@link FileSystem}.
 */
public final class MiniDfsExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MiniDfsExtension.class);

  /**
   * HDFS client settings for every writer of the test clusters. Closing a file waits until the
   * DataNode has reported its last block, and the client polls for that first after 400 ms, which
   * the DataNode's report almost always just misses: the integration tests spent minutes in that
   * sleep, over their hundreds of small DataSet and report files. The first poll comes after 10 ms
   * here; twelve doublings still give a late report 40 s before the close fails.
   */
  public static final Map<String, String> CLIENT_SETTINGS = Map.of(
      "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "10",
      "dfs.client.block.write.locateFollowingBlock.retries", "12");

  /** A running MiniDFSCluster. */
  public record Hdfs(MiniDFSCluster cluster, String uri) {
    public FileSystem fs() {
      try {
        return cluster.getFileSystem();
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    /** A client configuration whose default filesystem is this HDFS. */
    public Configuration conf() {
      Configuration c = new Configuration(cluster.getConfiguration(0));
      c.set("fs.defaultFS", uri);
      return c;
    }

    public String path(String p) {
      return uri + (p.startsWith("/") ? p : "/" + p);
    }
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    File base = Files.createTempDirectory("awdlm-minidfs").toFile();
    Configuration conf = new Configuration();
    conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, base.getAbsolutePath());
    conf.setInt("dfs.replication", 1);
    conf.setBoolean("dfs.permissions.enabled", false);
    CLIENT_SETTINGS.forEach(conf::set);
    MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf).numDataNodes(1).format(true).build();
    cluster.waitActive();
    String uri = "hdfs://localhost:" + cluster.getNameNodePort();
    context.getStore(NS).put(Hdfs.class, new Hdfs(cluster, uri));
    context.getStore(NS).put(File.class, base);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Hdfs hdfs = context.getStore(NS).remove(Hdfs.class, Hdfs.class);
    if (hdfs != null) hdfs.cluster().shutdown(true);
    File base = context.getStore(NS).remove(File.class, File.class);
    if (base != null) TestFiles.deleteRecursively(base.toPath());
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    return p.getParameter().getType() == Hdfs.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    return e.getStore(NS).get(Hdfs.class, Hdfs.class);
  }
}
