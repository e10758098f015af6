package dev.awdlm.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Reads the real /proc of this JVM and of a child JVM that holds 256 MB. */
class PeakRssTest {
  private static final long CHILD_KB = 256 * 1024;

  /** The child: its 256 MB heap is touched before main, which then says so and waits to be killed. */
  public static void main(String[] args) throws InterruptedException {
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(TimeUnit.MINUTES.toMillis(5));
  }

  private static Process child() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process p = new ProcessBuilder(java, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch", "-XX:+UseSerialGC", "-cp",
        System.getProperty("java.class.path"), PeakRssTest.class.getName()).redirectErrorStream(true).start();
    String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
    assertEquals("ready", line);
    return p;
  }

  @Test
  void theTreeAndThePeakIncludeChildProcesses() throws Exception {
    assumeTrue(Files.isReadable(Path.of("/proc/self/status")), "Linux /proc");
    try (PeakRss peak = PeakRss.start(50)) {
      Process p = child();
      long own;
      try {
        assertTrue(PeakRss.statusKb(p.pid(), "VmRSS").orElseThrow() >= CHILD_KB, "the child's pre-touched heap is resident");
        own = PeakRss.statusKb(ProcessHandle.current().pid(), "VmRSS").orElseThrow();
        long tree = PeakRss.treeKb(ProcessHandle.current());
        assertTrue(tree - own >= CHILD_KB * 3 / 4, "tree " + tree + " kB, this JVM " + own + " kB");
        Thread.sleep(300); // several samples while the child lives
      } finally {
        p.destroyForcibly().waitFor();
      }
      long withChildMb = (own + CHILD_KB * 3 / 4) * 1024 / 1_000_000;
      assertTrue(peak.peakMb().orElseThrow() >= withChildMb,
          "the child is gone, its memory stays in the peak: " + peak.describe() + ", this JVM and 3/4 of the child: " + withChildMb + " MB");
    }
  }

  @Test
  void aFieldOfAProcessThatIsGoneIsEmpty() {
    assertTrue(PeakRss.statusKb(Long.MAX_VALUE, "VmRSS").isEmpty());
    assertTrue(PeakRss.statusKb(ProcessHandle.current().pid(), "NoSuchField").isEmpty());
  }
}
