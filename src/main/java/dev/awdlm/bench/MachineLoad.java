package dev.awdlm.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What else ran on this shared machine while a figure was measured, from Linux's /proc: the
 * 1-minute load average, and the CPU that other processes used during the measurement (all CPU
 * time the kernel counts, less this JVM's). The load average also counts this JVM, and lags a
 * minute behind, so a figure is labelled loaded by the other processes' share alone. Without /proc
 * both are empty.
 *
 * <p>The kernel keeps the two counts differently (the machine's by sampling each CPU at every tick,
 * a task's from its precise run time scaled to ticks), and CI's sandbox showed the machine's count
 * trailing this JVM's by up to a quarter over half a second (45 against 59 ticks). The others'
 * share is therefore a lower bound, clamped at zero, and reliable only over seconds of measurement.
 */
final class MachineLoad {
  /** Other processes using this many cores on average make a figure loaded. */
  static final double LOADED_CORES = 0.25;
  /** USER_HZ, the unit of /proc/stat and /proc/self/stat on every Linux architecture Java runs on. */
  private static final double TICKS_PER_SECOND = 100;

  private MachineLoad() {}

  /** CPU ticks of the whole machine and of this JVM at one instant. */
  record Snapshot(long machineTicks, long selfTicks, long nanos) {}

  static Optional<Snapshot> snapshot() {
    try {
      return parse(Files.readAllLines(Path.of("/proc/stat")).get(0), Files.readString(Path.of("/proc/self/stat")), System.nanoTime());
    } catch (IOException | RuntimeException e) { // no /proc
      return Optional.empty();
    }
  }

  /** A snapshot from /proc/stat's first line and /proc/self/stat; empty for a kernel that formats them otherwise. */
  static Optional<Snapshot> parse(String procStatCpuLine, String selfStat, long nanos) {
    try {
      // cpu  user nice system idle iowait irq softirq steal ...: busy is all but idle and iowait;
      // steal counts too, being CPU a neighbouring VM took from this one
      String[] cpu = procStatCpuLine.trim().split("\\s+");
      if (!cpu[0].equals("cpu")) return Optional.empty();
      long busy = 0;
      for (int field : new int[] {1, 2, 3, 6, 7, 8}) busy += Long.parseLong(cpu[field]);
      // pid (comm) state ... utime stime: fields 14 and 15, counted after the parenthesised name,
      // which may itself hold spaces and parentheses
      String[] rest = selfStat.substring(selfStat.lastIndexOf(')') + 2).split(" ");
      long own = Long.parseLong(rest[11]) + Long.parseLong(rest[12]);
      return Optional.of(new Snapshot(busy, own, nanos));
    } catch (RuntimeException e) {
      return Optional.empty();
    }
  }

  /** Cores that processes other than this JVM kept busy on average between two snapshots. */
  static OptionalDouble othersCores(Optional<Snapshot> from, Optional<Snapshot> to) {
    if (from.isEmpty() || to.isEmpty()) return OptionalDouble.empty();
    Snapshot a = from.get();
    Snapshot b = to.get();
    double seconds = (b.nanos() - a.nanos()) / 1e9;
    double others = (b.machineTicks() - a.machineTicks()) - (b.selfTicks() - a.selfTicks());
    return OptionalDouble.of(Math.max(0, others / TICKS_PER_SECOND / seconds));
  }

  static OptionalDouble loadAverage() {
    try {
      return OptionalDouble.of(Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]));
    } catch (IOException | RuntimeException e) {
      return OptionalDouble.empty();
    }
  }

  /** "load 1.20, others 0.05 cores", with " (loaded)" when the others' share reaches {@link #LOADED_CORES}. */
  static String describe(OptionalDouble load, OptionalDouble others) {
    String l = load.isPresent() ? String.format("load %.2f", load.getAsDouble()) : "load unknown";
    if (others.isEmpty()) return l;
    return String.format("%s, others %.2f cores%s", l, others.getAsDouble(), loaded(others) ? " (loaded)" : "");
  }

  static boolean loaded(OptionalDouble others) {
    return others.isPresent() && others.getAsDouble() >= LOADED_CORES;
  }
}
