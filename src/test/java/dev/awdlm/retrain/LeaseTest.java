package dev.awdlm.retrain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry lease on the raw local filesystem; {@link LeaseHdfsIT} runs the races on HDFS. */
class LeaseTest {
  private static final int TAKERS = 6;
  private static final long TTL = 60;
  private final Configuration conf = new Configuration();

  /**
   * {@code rounds} times, {@code TAKERS} threads released by one barrier take the lease at once, on
   * a free lease or on a stale one; exactly one may get it, and only that one passes verify.
   */
  static void assertExactlyOneHolderPerRound(Configuration conf, Path root, int rounds, boolean stale) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(TAKERS);
    try {
      for (int round = 0; round < rounds; round++) {
        Path lease = new Path(root, "round-" + round + "/lease");
        if (stale) plantStale(lease, "crashed-host:1:dead", conf);
        CyclicBarrier start = new CyclicBarrier(TAKERS);
        List<Future<Lease>> takers = new ArrayList<>();
        for (int i = 0; i < TAKERS; i++) {
          String owner = "taker-" + round + "-" + i;
          takers.add(pool.submit(() -> {
            start.await();
            try {
              return Lease.acquire(lease, owner, TTL, conf);
            } catch (LockedException e) {
              return null;
            }
          }));
        }
        List<Lease> holders = new ArrayList<>();
        for (Future<Lease> t : takers) {
          if (t.get() != null) holders.add(t.get());
        }
        try {
          assertEquals(1, holders.size(), "round " + round + ": takers that got the lease");
          holders.get(0).verify();
        } finally {
          holders.forEach(Lease::close);
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }

  /** Writes the next generation of {@code lease} as a holder that stopped renewing an hour ago. */
  static void plantStale(Path lease, String owner, Configuration conf) {
    FileSystem fs = HadoopFs.fs(lease, conf);
    try {
      long next = 1;
      if (fs.exists(lease)) {
        for (FileStatus f : fs.listStatus(lease)) {
          if (f.getPath().getName().matches("[0-9]+")) next = Math.max(next, Long.parseLong(f.getPath().getName()) + 1);
        }
      }
      Instant past = Instant.now().minusSeconds(3600);
      Path file = new Path(lease, Long.toString(next));
      HadoopFs.writeAtomically(file, conf, Json.pretty(new Lease.Holder(owner, past.toString(), 60, null)));
      fs.setTimes(file, past.toEpochMilli(), -1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path lease(java.nio.file.Path dir) {
    return new Path(dir.toUri().toString(), "lease");
  }

  @Test
  void ofTakersStartedAtOnceOnAFreeLeaseExactlyOneHoldsIt(@TempDir java.nio.file.Path dir) throws Exception {
    assertExactlyOneHolderPerRound(conf, new Path(dir.toUri()), 100, false);
  }

  @Test
  void ofTakersStartedAtOnceOnAStaleLeaseExactlyOneHoldsIt(@TempDir java.nio.file.Path dir) throws Exception {
    assertExactlyOneHolderPerRound(conf, new Path(dir.toUri()), 100, true);
  }

  @Test
  void aSecondTakerIsToldWhoHoldsTheLease(@TempDir java.nio.file.Path dir) {
    try (Lease first = Lease.acquire(lease(dir), "host:1:first", TTL, conf)) {
      LockedException e = assertThrows(LockedException.class, () -> Lease.acquire(lease(dir), "host:2:second", TTL, conf));
      assertTrue(e.getMessage().startsWith("registry is locked by host:1:first (lease ") && e.getMessage().contains("expires"),
          e.getMessage());
    }
    try (Lease again = Lease.acquire(lease(dir), "host:2:second", TTL, conf)) {
      assertEquals("host:2:second", Lease.newestHolder(lease(dir), conf).owner(), "a released lease is free at once");
    }
    assertNotNull(Lease.newestHolder(lease(dir), conf).releasedAt());
  }

  @Test
  void anUnreadableLeaseIsHeldUntilItsModificationTimePlusTheTtl(@TempDir java.nio.file.Path dir) throws Exception {
    Path damaged = new Path(lease(dir), "1");
    HadoopFs.writeAtomically(damaged, conf, "{\"owner\" : \"half-writ");
    LockedException e = assertThrows(LockedException.class, () -> Lease.acquire(lease(dir), "host:2:second", TTL, conf));
    assertTrue(e.getMessage().contains("unreadable lease " + damaged), e.getMessage());

    HadoopFs.fs(damaged, conf).setTimes(damaged, Instant.now().minusSeconds(2 * TTL).toEpochMilli(), -1);
    try (Lease taken = Lease.acquire(lease(dir), "host:2:second", TTL, conf)) {
      taken.verify();
      assertEquals("host:2:second", Lease.newestHolder(lease(dir), conf).owner());
    }
  }

  @Test
  void aHolderPausedWhileItsLeaseWasTakenOverNeitherVerifiesNorReleasesIt(@TempDir java.nio.file.Path dir) throws Exception {
    Lease paused = Lease.acquire(lease(dir), "host:1:paused", TTL, conf);
    Path pausedFile = new Path(lease(dir), "1");
    // It has not renewed for two TTLs, as after a long GC pause or a suspended VM.
    HadoopFs.fs(pausedFile, conf).setTimes(pausedFile, Instant.now().minusSeconds(2 * TTL).toEpochMilli(), -1);
    try (Lease taker = Lease.acquire(lease(dir), "host:2:taker", TTL, conf)) {
      LockedException e = assertThrows(LockedException.class, paused::verify);
      assertTrue(e.getMessage().contains("now held by host:2:taker"), e.getMessage());
      paused.close();
      Lease.Holder now = Lease.newestHolder(lease(dir), conf);
      assertEquals("host:2:taker", now.owner());
      assertNull(now.releasedAt(), "the paused holder did not release the taker's lease");
      taker.verify();
      assertThrows(LockedException.class, () -> Lease.acquire(lease(dir), "host:3:third", TTL, conf));
    }
  }
}
