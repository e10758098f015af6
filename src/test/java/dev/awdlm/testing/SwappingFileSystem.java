package dev.awdlm.testing;

import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * The local filesystem under the scheme {@code swap:}, which serves another file in place of a
 * chosen one on one chosen open of it: a run gets one bad input at a known point, and the same
 * file again when it reads it the next time. {@code swap:///a/b} is the local file {@code /a/b}.
 * Swaps are static, because Hadoop creates and caches the instances (Spark's local-mode tasks share
 * the driver's); {@link #reset} clears them.
 */
public final class SwappingFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "swap";
  private static final URI ROOT = URI.create(SCHEME + ":///");
  private static final List<Swap> SWAPS = new CopyOnWriteArrayList<>();

  /** On its {@code nthOpen}-th open, the file whose name is {@code name} reads as {@code replacement}. */
  private record Swap(String name, int nthOpen, java.nio.file.Path replacement, AtomicInteger opens) {}

  /** Makes {@code swap:} paths resolve to this class in {@code conf}. */
  public static void register(Configuration conf) {
    conf.setClass("fs." + SCHEME + ".impl", SwappingFileSystem.class, FileSystem.class);
  }

  /** The {@code swap:} path of a local file or directory. */
  public static Path of(java.nio.file.Path local) {
    return new Path(SCHEME, null, local.toAbsolutePath().toString());
  }

  /** The {@code nthOpen}-th open (1-based) of the file named {@code name} reads {@code replacement} instead. */
  public static void swapOnOpen(String name, int nthOpen, java.nio.file.Path replacement) {
    SWAPS.add(new Swap(name, nthOpen, replacement, new AtomicInteger()));
  }

  public static void reset() {
    SWAPS.clear();
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
    for (Swap s : SWAPS) {
      if (f.getName().equals(s.name()) && s.opens().incrementAndGet() == s.nthOpen()) {
        return super.open(of(s.replacement()), bufferSize);
      }
    }
    return super.open(f, bufferSize);
  }
}
