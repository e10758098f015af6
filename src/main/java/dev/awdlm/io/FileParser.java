package dev.awdlm.io;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Parses a file read from a Hadoop filesystem, telling a failing filesystem (a timeout, a lost
 * connection) from a damaged file. Exception types cannot tell the two apart (a truncated zip fails
 * with an IOException too), so the stream is watched: if the filesystem threw, the file could not
 * be read; any other failure is the content's.
 */
public final class FileParser {
  private FileParser() {}

  /** Turns a file's bytes into a value; any exception means the bytes are not a valid file. */
  @FunctionalInterface
  public interface Parser<T> {
    T parse(InputStream in) throws Exception;
  }

  /** The filesystem delivered the file, but its content does not parse: truncated, partial or garbled. */
  public static final class Unparsable extends Exception {
    private Unparsable(Exception cause) {
      super(cause);
    }
  }

  /**
   * @throws IOException the filesystem's, when it failed to open or read {@code file}
   * @throws Unparsable caused by the parser's exception, when the filesystem did not fail
   */
  public static <T> T parse(Path file, Configuration conf, Parser<T> parser) throws IOException, Unparsable {
    WatchedStream in = new WatchedStream(HadoopFs.fs(file, conf).open(file));
    try (in) {
      return parser.parse(in);
    } catch (Exception e) {
      if (in.failure != null) throw in.failure;
      throw new Unparsable(e);
    }
  }

  /** A filesystem stream that remembers the first IOException it threw. */
  private static final class WatchedStream extends FilterInputStream {
    IOException failure;

    WatchedStream(InputStream in) {
      super(in);
    }

    private IOException seen(IOException e) {
      if (failure == null) failure = e;
      return e;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public long skip(long n) throws IOException {
      try {
        return super.skip(n);
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public int available() throws IOException {
      try {
        return super.available();
      } catch (IOException e) {
        throw seen(e);
      }
    }

    @Override
    public void close() throws IOException {
      try {
        super.close();
      } catch (IOException e) {
        throw seen(e);
      }
    }
  }
}
