package dev.awdlm.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

/**
 * Peak resident memory of this JVM and every process it started, as the benchmarks and the
 * pipeline's summary report it. A daemon thread sums {@code VmRSS} over the process tree every
 * interval; the peak is the larger of the highest sum and this JVM's own {@code VmHWM}, the
 * kernel's high-water mark, which also catches a peak between two samples. Reads Linux's /proc:
 * elsewhere {@link #peakMb()} is empty.
 */
public final class PeakRss implements AutoCloseable {
  private static final Path PROC = Path.of("/proc");
  private final Thread sampler;
  private volatile long peakKb;

  private PeakRss(long intervalMillis) {
    sampler = new Thread(() -> {
      try {
        while (true) {
          peakKb = Math.max(peakKb, treeKb(ProcessHandle.current()));
          TimeUnit.MILLISECONDS.sleep(intervalMillis);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }, "awdlm-peak-rss");
    sampler.setDaemon(true);
  }

  /** Starts sampling every {@code intervalMillis}; a first sample is taken at once. */
  public static PeakRss start(long intervalMillis) {
    PeakRss p = new PeakRss(intervalMillis);
    p.sampler.start();
    return p;
  }

  /** The peak so far in MB (10^6 bytes); empty without /proc. */
  public OptionalLong peakMb() {
    OptionalLong hwm = statusKb(ProcessHandle.current().pid(), "VmHWM");
    if (hwm.isEmpty()) return OptionalLong.empty();
    long kb = Math.max(Math.max(peakKb, treeKb(ProcessHandle.current())), hwm.getAsLong());
    return OptionalLong.of(kb * 1024 / 1_000_000);
  }

  /** "2,345 MB", or "unknown (no /proc)". */
  public String describe() {
    OptionalLong mb = peakMb();
    return mb.isPresent() ? String.format("%,d MB", mb.getAsLong()) : "unknown (no /proc)";
  }

  @Override
  public void close() {
    sampler.interrupt();
  }

  /** Resident kB of {@code root} and its live descendants now; a process that exits meanwhile counts 0. */
  static long treeKb(ProcessHandle root) {
    long kb = statusKb(root.pid(), "VmRSS").orElse(0);
    for (ProcessHandle child : (Iterable<ProcessHandle>) root.descendants()::iterator) {
      kb += statusKb(child.pid(), "VmRSS").orElse(0);
    }
    return kb;
  }

  /** A {@code kB} field of /proc/PID/status; empty when it cannot be read (no /proc, or the process is gone). */
  static OptionalLong statusKb(long pid, String field) {
    try {
      for (String line : Files.readAllLines(PROC.resolve(Long.toString(pid)).resolve("status"))) {
        if (line.startsWith(field + ":")) return OptionalLong.of(Long.parseLong(line.replaceAll("[^0-9]", "")));
      }
      return OptionalLong.empty();
    } catch (IOException | NumberFormatException e) { // a process that exits between listing and reading
      return OptionalLong.empty();
    }
  }
}
