package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awdlm.bench.MachineLoad.Snapshot;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MachineLoadTest {

  @Test
  void othersAreTheMachinesTicksLessThisJvmsPerSecond() {
    // over 2 s the machine counted 500 ticks, this JVM 100: others kept 400 / 100 Hz / 2 s = 2 cores busy
    Optional<Snapshot> from = Optional.of(new Snapshot(1_000, 200, 0));
    Optional<Snapshot> to = Optional.of(new Snapshot(1_500, 300, 2_000_000_000L));
    assertEquals(2.0, MachineLoad.othersCores(from, to).getAsDouble(), 1e-9);
    assertTrue(MachineLoad.describe(OptionalDouble.of(3.5), MachineLoad.othersCores(from, to)).endsWith("others 2.00 cores (loaded)"));
    assertFalse(MachineLoad.loaded(OptionalDouble.of(0.1)));
    assertTrue(MachineLoad.othersCores(Optional.empty(), to).isEmpty());
  }

  @Test
  void parsesTheBusyFieldsOfProcStatAndTheJvmsUtimeAndStime() {
    // user 100, nice 20, system 30, idle 9000, iowait 400, irq 5, softirq 6, steal 7, guest 0 0
    String cpu = "cpu  100 20 30 9000 400 5 6 7 0 0";
    // a process name with a space and a parenthesis; utime 11 and stime 4 are fields 14 and 15
    String self = "1693 (my) java) S 1686 1686 1197 0 -1 4194304 100 0 0 0 11 4 0 0 20 0 1 0 355325";
    Snapshot s = MachineLoad.parse(cpu, self, 42).orElseThrow();
    assertEquals(new Snapshot(100 + 20 + 30 + 5 + 6 + 7, 15, 42), s);
    assertTrue(MachineLoad.parse("intr 1 2 3 4 5 6 7 8", self, 0).isEmpty(), "not the cpu line");
    assertTrue(MachineLoad.parse(cpu, "garbage", 0).isEmpty());
  }

  @Test
  void readsThisJvmsCpuTimeFromProc() {
    assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux /proc");
    Snapshot a = MachineLoad.snapshot().orElseThrow();
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long spin = threads.getCurrentThreadCpuTime() + 300_000_000L; // CPU time, whatever else the machine runs
    double x = 0;
    while (threads.getCurrentThreadCpuTime() < spin) x += Math.sqrt(x + 1);
    Snapshot b = MachineLoad.snapshot().orElseThrow();
    assertTrue(x > 0);
    // 0.3 s of this thread's CPU is 30 ticks of this JVM's time. The machine's count moves too, but
    // it is sampled otherwise and may trail by a quarter (see MachineLoad), so only its growth is checked.
    assertTrue(b.selfTicks() - a.selfTicks() >= 25, a + " -> " + b);
    assertTrue(b.machineTicks() > a.machineTicks(), a + " -> " + b);
    assertTrue(MachineLoad.loadAverage().isPresent());
  }
}
