package dev.awdlm.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * The local filesystem under the scheme {@code flaky:}, whose reads or creates of chosen paths fail
 * with an IOException, as a remote store's do on a timeout. {@code flaky:///a/b} is the local file
 * {@code /a/b}, so a test can write with {@code file:} and read the same files back through faults.
 * Faults are static, because Hadoop creates and caches the instances; {@link #reset} clears them.
 */
public final class FlakyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "flaky";
  private static final URI ROOT = URI.create(SCHEME + ":///");
  private static final List<Fault> FAULTS = new CopyOnWriteArrayList<>();

  private enum Op { READ, CREATE }

  /** Fails {@code op} on paths containing {@code pathPart}; a read fails after {@code bytes} bytes. */
  private record Fault(Op op, String pathPart, long bytes) {
    boolean matches(Op o, Path p) {
      return op == o && p.toString().contains(pathPart);
    }
  }

  /** Makes {@code flaky:} paths resolve to this class in {@code conf}. */
  public static void register(Configuration conf) {
    conf.setClass("fs." + SCHEME + ".impl", FlakyFileSystem.class, FileSystem.class);
  }

  /** The {@code flaky:} path of a local file or directory. */
  public static Path of(java.nio.file.Path local) {
    return new Path(SCHEME, null, local.toAbsolutePath().toString());
  }

  /** Reads of matching files time out after {@code bytes} bytes (at once when 0). */
  public static void failReads(String pathPart, long bytes) {
    FAULTS.add(new Fault(Op.READ, pathPart, bytes));
  }

  /** Creating a matching file fails. */
  public static void failCreates(String pathPart) {
    FAULTS.add(new Fault(Op.CREATE, pathPart, 0));
  }

  public static void reset() {
    FAULTS.clear();
  }

  @Override
  public URI getUri() {
    return ROOT;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FSDataInputStream open(Path f, int bufferSize) throws IOException {
    FSDataInputStream in = super.open(f, bufferSize);
    for (Fault fault : FAULTS) {
      if (fault.matches(Op.READ, f)) return new FSDataInputStream(new TimingOut(in, fault.bytes(), f));
    }
    return in;
  }

  @Override
  public FSDataOutputStream create(Path f, boolean overwrite, int bufferSize, short replication, long blockSize,
      Progressable progress) throws IOException {
    failIfCreateFaulted(f);
    return super.create(f, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream create(Path f, FsPermission permission, boolean overwrite, int bufferSize, short replication,
      long blockSize, Progressable progress) throws IOException {
    failIfCreateFaulted(f);
    return super.create(f, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  private static void failIfCreateFaulted(Path f) throws IOException {
    for (Fault fault : FAULTS) {
      if (fault.matches(Op.CREATE, f)) throw new IOException("injected fault: create of " + f + " timed out");
    }
  }

  /** A stream that delivers {@code limit} bytes, then fails every call as a timed-out remote read. */
  private static final class TimingOut extends FSInputStream {
    private final FSDataInputStream in;
    private final long limit;
    private final Path path;

    TimingOut(FSDataInputStream in, long limit, Path path) {
      this.in = in;
      this.limit = limit;
      this.path = path;
    }

    private int allowed(int wanted) throws IOException {
      long left = limit - in.getPos();
      if (left <= 0) throw new IOException("injected fault: read of " + path + " timed out after " + limit + " bytes");
      return (int) Math.min(wanted, left);
    }

    @Override
    public int read() throws IOException {
      allowed(1);
      return in.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return len == 0 ? 0 : in.read(b, off, allowed(len));
    }

    @Override
    public int available() throws IOException {
      return in.available();
    }

    @Override
    public void seek(long pos) throws IOException {
      in.seek(pos);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
