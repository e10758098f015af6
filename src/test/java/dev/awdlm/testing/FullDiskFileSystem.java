package dev.awdlm.testing;

import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.util.Progressable;

/**
 * A local filesystem whose disk is full, for {@code full:} paths (register it as
 * {@code fs.full.impl}, or {@code spark.hadoop.fs.full.impl} for a command). Files are created as
 * usual, but what is written to them goes to {@code /dev/full}, so Hadoop's own local output stream
 * fails as on a full disk: with an {@code FSError}, which is an {@link Error}, not an IOException.
 */
public final class FullDiskFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "full";

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    super.create(f, overwrite, bufferSize, replication, blockSize, progress).close();
    return super.create(new Path("/dev/full"), true, bufferSize, replication, blockSize, progress);
  }
}
