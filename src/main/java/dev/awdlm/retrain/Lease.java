package dev.awdlm.retrain;

import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's mutual exclusion: a directory of generations, {@code lease/1}, {@code lease/2},
 * ... The newest file names the holder, or says it was released; its modification time is the
 * holder's last renewal, and it expires a TTL later. Taking the lease, free or stale, means creating
 * the next generation's file. Nobody rewrites or deletes a generation newer than their own.
 *
 * <p>Why only one retrain holds it, on HDFS and on the raw local filesystem alike:
 * <ul>
 *   <li>A generation's file is created with {@link HadoopFs#createNew}: written whole, then published
 *       under its number only if that name is free. Of several takers of one generation one wins,
 *       and no reader sees it half-written.
 *   <li>Renewal touches the holder's own file. A holder paused while its lease was taken over only
 *       touches its old generation, and then finds a newer one: it has lost the lease.
 *   <li>A taker that won a generation backs off (deletes it) if a newer one exists, since older
 *       generations are cleaned up and a slow taker can still create a number already passed, or if
 *       the lease it took over was renewed meanwhile, since its holder was only paused.
 *   <li>A file that cannot be read (damaged by hand) counts as held until its modification time plus
 *       the TTL, never as free.
 * </ul>
 */
public final class Lease implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Lease.class);

  /**
   * A generation's content, fixed while it is held: renewal touches the file instead.
   *
   * @param releasedAt when the holder gave the lease back (null while held); a released lease is free
   */
  public record Holder(String owner, String acquiredAt, long ttlSeconds, String releasedAt) {}

  /** A generation's file as read: holder is null when unreadable; expires is modification time + TTL. */
  private record Seen(long generation, Path file, byte[] bytes, Holder holder, Instant expires) {
    boolean released() {
      return holder != null && holder.releasedAt() != null;
    }

    boolean heldAt(Instant now) {
      return !released() && expires.isAfter(now);
    }

    String describe() {
      return holder == null ? "an unreadable lease " + file + " (expires " + expires + ")"
          : holder.owner() + " (lease " + file + " since " + holder.acquiredAt() + ", expires " + expires + ")";
    }
  }

  private final Configuration conf;
  private final Path dir;
  private final long generation;
  private final Path file;
  private final byte[] content;
  private final Holder holder;
  private final ScheduledExecutorService renewer;
  private volatile boolean lost;

  private Lease(Configuration conf, Path dir, long generation, byte[] content, Holder holder) {
    this.conf = conf;
    this.dir = dir;
    this.generation = generation;
    this.file = generationFile(dir, generation);
    this.content = content;
    this.holder = holder;
    this.renewer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "awdlm-lease-renewer");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, holder.ttlSeconds() / 3);
    renewer.scheduleAtFixedRate(this::renew, period, period, TimeUnit.SECONDS);
  }

  /** {@code host:pid:random}: unique per process and readable in the "locked by" message. */
  public static String defaultOwner() {
    return ManagementFactory.getRuntimeMXBean().getName().replace('@', ':') + ":" + UUID.randomUUID().toString().substring(0, 8);
  }

  /**
   * Takes the lease in {@code dir} or throws {@link LockedException} naming its holder.
   *
   * @param owner names this retrain in the "locked by" message of others
   * @param ttlSeconds how long the lease holds without renewal
   */
  public static Lease acquire(Path dir, String owner, long ttlSeconds, Configuration conf) {
    if (HadoopFs.exists(dir, conf) && !HadoopFs.isDirectory(dir, conf)) {
      // Before lease generations, the lease was this one file; never take it over blindly.
      throw new ConfigError("--registry", dir.toString(), "is a lease file of an earlier awdlm version (one file, not a"
          + " directory of generations); delete it once no retrain of that version runs on this registry");
    }
    try {
      Seen top = newest(conf, dir, ttlSeconds);
      if (top != null && top.heldAt(Instant.now())) throw new LockedException("registry is locked by " + top.describe());
      if (top != null && !top.released()) LOG.warn("retrain: taking over the stale lease of {}", top.describe());
      long generation = top == null ? 1 : top.generation() + 1;
      Holder mine = new Holder(owner, Instant.now().toString(), ttlSeconds, null);
      byte[] content = Json.pretty(mine).getBytes(StandardCharsets.UTF_8);
      Path file = generationFile(dir, generation);
      if (HadoopFs.createNew(file, new String(content, StandardCharsets.UTF_8), conf)) {
        Seen now = newest(conf, dir, ttlSeconds);
        if (now != null && now.generation() == generation && (top == null || !stillHeld(conf, top, ttlSeconds))) {
          removeOlder(conf, dir, generation);
          return new Lease(conf, dir, generation, content, mine);
        }
        HadoopFs.deleteRecursively(file, conf);
      }
      Seen winner = newest(conf, dir, ttlSeconds);
      throw new LockedException("registry is locked by " + (winner == null ? "another retrain" : winner.describe())
          + ", which took the lease first");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot take the lease " + dir, e);
    }
  }

  /** The holder named by the newest generation in {@code dir} (released or not), or null when there is none. */
  static Holder newestHolder(Path dir, Configuration conf) {
    try {
      Seen top = newest(conf, dir, 0);
      return top == null ? null : top.holder();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the lease " + dir, e);
    }
  }

  private static Path generationFile(Path dir, long generation) {
    return new Path(dir, Long.toString(generation));
  }

  /** The newest generation in {@code dir}, or null when there is none. */
  private static Seen newest(Configuration conf, Path dir, long ttlSeconds) throws IOException {
    for (int attempt = 0; attempt < 3; attempt++) {
      List<FileStatus> files;
      try {
        files = HadoopFiles.list(dir, conf);
      } catch (FileNotFoundException e) {
        return null;
      }
      long top = 0;
      for (FileStatus f : files) {
        String name = f.getPath().getName();
        if (name.matches("[0-9]{1,18}")) top = Math.max(top, Long.parseLong(name));
      }
      if (top == 0) return null;
      Seen seen = read(conf, top, generationFile(dir, top), ttlSeconds);
      if (seen != null) return seen;
      // Removed between the listing and the read, because a newer generation was created: list again.
    }
    throw new IOException("the lease " + dir + " changed three times while it was read");
  }

  /** The file of {@code generation}, or null when it is gone; {@code ttlSeconds} applies when it cannot be read. */
  private static Seen read(Configuration conf, long generation, Path file, long ttlSeconds) throws IOException {
    HadoopFiles.Stamped stamped;
    try {
      stamped = HadoopFiles.readStamped(file, conf);
    } catch (FileNotFoundException e) {
      return null;
    }
    byte[] bytes = stamped.bytes();
    Holder holder;
    try {
      holder = Json.parse(new String(bytes, StandardCharsets.UTF_8), Holder.class, file.toString());
    } catch (IllegalStateException e) {
      holder = null;
    }
    if (holder != null && (holder.owner() == null || holder.acquiredAt() == null || holder.ttlSeconds() <= 0)) holder = null;
    long ttl = holder == null ? ttlSeconds : holder.ttlSeconds();
    return new Seen(generation, file, bytes, holder, Instant.ofEpochMilli(stamped.modificationTime()).plusSeconds(ttl));
  }

  /** Whether a lease judged stale was renewed since (its holder was only paused). */
  private static boolean stillHeld(Configuration conf, Seen stale, long ttlSeconds) throws IOException {
    Seen again = read(conf, stale.generation(), stale.file(), ttlSeconds);
    return again != null && again.heldAt(Instant.now());
  }

  private static void removeOlder(Configuration conf, Path dir, long generation) throws IOException {
    for (FileStatus f : HadoopFiles.list(dir, conf)) {
      String name = f.getPath().getName();
      if (name.matches("[0-9]{1,18}") && Long.parseLong(name) < generation) HadoopFs.deleteRecursively(f.getPath(), conf);
    }
  }

  /** Touches this holder's file (the renewal), then checks that it is still the newest and ours. */
  private boolean renewed() throws IOException {
    try {
      HadoopFiles.touch(file, System.currentTimeMillis(), conf);
    } catch (FileNotFoundException e) {
      return false; // removed by the retrain that took the lease over
    }
    Seen top = newest(conf, dir, holder.ttlSeconds());
    return top != null && top.generation() == generation && Arrays.equals(top.bytes(), content);
  }

  private void renew() {
    try {
      if (!lost && !renewed()) {
        lost = true;
        LOG.error("retrain: lost the registry lease {} (now held by {})", file, currentHolder());
      }
    } catch (IOException | RuntimeException e) {
      LOG.warn("retrain: cannot renew the lease {}: {}", file, e.getMessage());
    }
  }

  private String currentHolder() {
    try {
      Seen top = newest(conf, dir, holder.ttlSeconds());
      return top == null || top.released() ? "nobody" : top.describe();
    } catch (IOException e) {
      return "unknown: " + e.getMessage();
    }
  }

  /** Renews the lease and fails unless it is still ours: the registry must not be changed then. */
  public void verify() {
    try {
      if (!lost && renewed()) return;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot check the registry lease " + file, e);
    }
    lost = true;
    throw new LockedException("lost the registry lease " + file + " (now held by " + currentHolder() + "); the registry was not changed");
  }

  /** Gives the lease back by marking this generation released, unless it was lost. */
  @Override
  public void close() {
    renewer.shutdownNow();
    try {
      if (lost || !renewed()) return;
      Holder released = new Holder(holder.owner(), holder.acquiredAt(), holder.ttlSeconds(), Instant.now().toString());
      HadoopFs.writeAtomically(file, conf, Json.pretty(released));
    } catch (IOException | RuntimeException e) {
      LOG.warn("retrain: cannot release the lease {} ({}); it expires by itself", file, e.getMessage());
    }
  }
}
