package dev.awdlm.retrain;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's mutual exclusion: a {@code lease} file created with overwrite=false, which only one
 * creator can win on HDFS and on local filesystems alike. It names its owner and expires after a
 * TTL; the holder renews it in the background. A lease past its expiry belongs to a retrain that
 * died, and the next retrain takes it over (and says so).
 */
public final class Lease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  /** The lease file's content. */
  public record Holder(String owner, String acquiredAt, String expiresAt) {
    boolean expired(Instant now) {
      return Instant.parse(expiresAt).isBefore(now);
    }
  }

  private final Path file;
  private final Configuration conf;
  private final String owner;
  private final long ttlSeconds;
  private final ScheduledExecutorService renewer;
  private final String acquiredAt;
  private volatile boolean lost;

  private Lease(Path file, Configuration conf, String owner, long ttlSeconds, String acquiredAt) {
    this.file = file;
    this.conf = conf;
    this.owner = owner;
    this.ttlSeconds = ttlSeconds;
    this.acquiredAt = acquiredAt;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "awdlm-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, ttlSeconds / 3);
    renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.SECONDS);
  }

  /** {@code host:pid:random}: unique per process and readable in the "locked by" message. */
  public static String defaultOwner() {
    return ManagementFactory.getRuntimeMXBean().getName().replace('@', ':') + ":" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Takes the lease at {@code file} or throws {@link LockedException} naming its holder.
   *
   * @param ttlSeconds how long the lease holds without renewal
   */
  public static Lease acquire(Path file, String owner, long ttlSeconds, Configuration conf) {
    FileSystem fs = HadoopFs.fs(file, conf);
    Instant now = Instant.now();
    Holder mine = new Holder(owner, now.toString(), now.plusSeconds(ttlSeconds).toString());
    if (create(fs, file, mine)) return new Lease(file, conf, owner, ttlSeconds, mine.acquiredAt());
    Holder current = read(file, conf);
    if (current != null && !current.expired(now)) {
      throw new LockedException("registry is locked by " + current.owner() + " (lease " + file + " since "
          + current.acquiredAt() + ", expires " + current.expiresAt() + ")");
    }
    // Stale: its owner stopped renewing. Delete and create again; of several takers only one create wins.
    LOG.warn("retrain: taking over the stale lease {} of {} (expired {})", file,
        current == null ? "an unreadable lease" : current.owner(), current == null ? "?" : current.expiresAt());
    HadoopFs.deleteQuietly(fs, file);
    if (create(fs, file, mine)) return new Lease(file, conf, owner, ttlSeconds, mine.acquiredAt());
    Holder winner = read(file, conf);
    throw new LockedException("registry is locked by " + (winner == null ? "another retrain" : winner.owner())
        + " (it took over the stale lease " + file + " first)");
  }

  private static boolean create(FileSystem fs, Path file, Holder holder) {
    try (OutputStream out = fs.create(file, false)) {
      out.write(Json.pretty(holder).getBytes(StandardCharsets.UTF_8));
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (e.getClass().getName().endsWith("AlreadyExistsException") || HadoopFs.exists(file, fs.getConf())) return false;
      throw new UncheckedIOException("cannot create the lease " + file, e);
    }
  }

  /** The current holder, or null when the file vanished or is half-written. */
  public static Holder read(Path file, Configuration conf) {
    try {
      if (!HadoopFs.exists(file, conf)) return null;
      return Json.read(file, Holder.class, conf);
    } catch (RuntimeException e) {
      return null;
    }
  }

  private void renew() {
    try {
      Holder current = read(file, conf);
      if (current == null || !owner.equals(current.owner())) {
        lost = true;
        LOG.error("retrain: lost the registry lease {} (now held by {})", file, current == null ? "nobody" : current.owner());
        return;
      }
      HadoopFs.writeAtomically(file, conf, Json.pretty(new Holder(owner, acquiredAt, Instant.now().plusSeconds(ttlSeconds).toString())));
    } catch (RuntimeException e) {
      LOG.warn("retrain: cannot renew the lease {}: {}", file, e.getMessage());
    }
  }

  /** Fails when the lease is no longer ours: the registry must not be changed then. */
  public void verify() {
    Holder current = read(file, conf);
    if (lost || current == null || !owner.equals(current.owner())) {
      throw new LockedException("lost the registry lease " + file + " (now held by "
          + (current == null ? "nobody" : current.owner()) + "); the registry was not changed");
    }
  }

  @Override
  public void close() {
    renewer.shutdownNow();
    Holder current = read(file, conf);
    if (current != null && owner.equals(current.owner())) HadoopFs.deleteRecursively(file, conf);
  }
}
