package dev.awdlm.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectIteration;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectMethod;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs the named JUnit tests in this JVM and exits 0 only if every argument ran a test and none failed, so
 * that an integration test can run unit tests in a JVM started with other native libraries.
 * Arguments: {@code Class}, {@code Class#method(ParamTypes)}, or
 * {@code Class#method(ParamTypes)[i,j]} for invocations i and j (from 0) of a parameterized test.
 */
public final class SelectedTests {
  private SelectedTests() {}

  public static void main(String[] args) {
    PrintWriter out = new PrintWriter(System.out, true);
    boolean ok = args.length > 0;
    for (String a : args) {
      // One request per argument, so that a selector matching nothing (a renamed class, a shorter CSV) fails the run.
      SummaryGeneratingListener listener = new SummaryGeneratingListener();
      LauncherFactory.create().execute(LauncherDiscoveryRequestBuilder.request().selectors(selector(a)).build(), listener);
      TestExecutionSummary summary = listener.getSummary();
      summary.printFailuresTo(out, 40);
      out.printf("%s: %d tests successful, %d failed, %d aborted%n", a, summary.getTestsSucceededCount(),
          summary.getTotalFailureCount(), summary.getTestsAbortedCount());
      ok &= summary.getTestsSucceededCount() > 0 && summary.getTotalFailureCount() == 0 && summary.getTestsAbortedCount() == 0;
    }
    out.println(ok ? "all selected tests passed" : "FAILED");
    System.exit(ok ? 0 : 1);
  }

  private static DiscoverySelector selector(String arg) {
    int bracket = arg.endsWith("]") ? arg.lastIndexOf('[') : -1;
    if (bracket < 0) return arg.contains("#") ? selectMethod(arg) : selectClass(arg);
    int[] iterations = java.util.Arrays.stream(arg.substring(bracket + 1, arg.length() - 1).split(","))
        .mapToInt(i -> Integer.parseInt(i.trim())).toArray();
    return selectIteration(selectMethod(arg.substring(0, bracket)), iterations);
  }
}
