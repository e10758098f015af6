package dev.awdlm.io;

import dev.awdlm.config.ConfigError;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;

/**
 * Exclusive use of a run id while a run directory is being created: the file {@code .<id>.claim}
 * next to it, created only if absent ({@link HadoopFs#createNew}), so of two processes that start
 * with one id exactly one proceeds. Closing releases it; once the run directory exists, it guards
 * the id itself.
 *
 * <p>A process killed while it holds a claim leaves the file behind. Nothing can tell such a claim
 * from one of a slow live run, so it is never taken over: the error names the file, which the user
 * deletes once no run of that id is going.
 */
public final class RunClaim implements AutoCloseable {
  /** The claim file's content. */
  public record Holder(String owner, String attempt, String claimedAt) {}

  private final RunLayout layout;
  private final Configuration conf;
  private final String attempt;

  private RunClaim(RunLayout layout, Configuration conf, String attempt) {
    this.layout = layout;
    this.conf = conf;
    this.attempt = attempt;
  }

  /** Claims the run id of {@code layout}, or throws a {@link ConfigError} naming the holder. */
  public static RunClaim take(RunLayout layout, Configuration conf) {
    String attempt = UUID.randomUUID().toString();
    Holder mine = new Holder(ManagementFactory.getRuntimeMXBean().getName(), attempt, Instant.now().toString());
    if (!HadoopFs.createNew(layout.claim(), Json.pretty(mine), conf)) throw inUse(layout, conf);
    return new RunClaim(layout, conf, attempt);
  }

  /** Fails as {@link #take} would, without claiming: a check before any Spark context starts. */
  public static void requireFree(RunLayout layout, Configuration conf) {
    if (HadoopFs.exists(layout.claim(), conf)) throw inUse(layout, conf);
  }

  private static ConfigError inUse(RunLayout layout, Configuration conf) {
    Holder h = read(layout, conf);
    String who = h == null ? "another process" : h.owner() + " since " + h.claimedAt();
    return new ConfigError("--run-id", layout.runId(), "run id in use: claimed by " + who + " (" + layout.claim()
        + "); choose another run id, or, if no run with this id is going (one was killed), delete " + layout.claim());
  }

  /** The holder, or null when the claim vanished or is still being written. */
  private static Holder read(RunLayout layout, Configuration conf) {
    try {
      return Json.read(layout.claim(), Holder.class, conf);
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** Removes the claim if it is still this one's (a user may have deleted it and another run taken it). */
  @Override
  public void close() {
    Holder h = read(layout, conf);
    if (h != null && attempt.equals(h.attempt())) HadoopFs.deleteRecursively(layout.claim(), conf);
  }
}
