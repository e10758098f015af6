package dev.awdlm.train;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.SparkEnv;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * What it takes to run dl4j-spark-parameterserver 1.0.0-M2's {@link SharedTrainingMaster} on this
 * stack, for the gradient-sharing probes (issue 18): every workaround it needs is here, each with
 * the failure it avoids. See docs/gradient-sharing.md.
 */
final class SharedTraining {
  private SharedTraining() {}

  /**
   * Aeron 1.39 (the one nd4j-aeron M2.1 brings; 1.32, M2's, validates the same) refuses to start a
   * media driver whose publication-unblock timeout (default 15 s) is not above the client liveness
   * timeout, which nd4j's AeronUdpTransport raises to 30 s: "ConfigurationException: ERROR -
   * publicationUnblockTimeoutNs=15000000000 <= clientLivenessTimeoutNs=30000000000". Every JVM
   * that starts a transport (driver and executors) needs it before its first training call.
   */
  static final String AERON_UNBLOCK_TIMEOUT = "-Daeron.publication.unblock.timeout=60000000000";

  /**
   * One UDP port per JVM, picked free on first use. M2's StaticPortSupplier(int) never stores its
   * argument and always answers 49876, so every JVM on one machine (a driver and its
   * local-cluster executors) would bind the same port. The driver tells the executors its port in
   * the broadcast configuration; each executor then asks this class for its own.
   */
  static final class PerJvmPort implements PortSupplier {
    private static int port;

    @Override
    public synchronized int getPort() {
      if (port == 0) port = freeUdpPort();
      return port;
    }

    private static int freeUdpPort() {
      try (DatagramSocket s = new DatagramSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  /**
   * Counts, per executor, the optimizer steps (TBPTT windows) the workers took, in files under a
   * directory every JVM of this machine can write: SharedTrainingMaster sends no listener output
   * back to the driver (see {@link SharedTrainingProbeTest}), so this is how a test on one machine
   * learns which JVMs trained and how much.
   */
  static final class StepLog extends BaseTrainingListener implements java.io.Serializable {
    private final String dir;

    StepLog(Path dir) {
      this.dir = dir.toString();
    }

    @Override
    public void iterationDone(Model model, int iteration, int epoch) {
      Path file = Path.of(dir, "executor-" + SparkEnv.get().executorId());
      try {
        Files.writeString(file, model.score() + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /** Steps logged so far, by executor id. */
    static Map<String, Integer> steps(Path dir) throws IOException {
      Map<String, Integer> steps = new TreeMap<>();
      try (Stream<Path> files = Files.list(dir)) {
        for (Path f : files.toList()) {
          List<String> lines = Files.readAllLines(f);
          steps.put(f.getFileName().toString().substring("executor-".length()), lines.size());
        }
      }
      return steps;
    }
  }

  /**
   * A master that trains every DataSet of a {@code fitPaths} call once, sharing threshold-encoded
   * updates over Aeron on the loopback interface.
   *
   * @param streams examples (streams) in each exported DataSet: one DataSet is one minibatch
   * @param trainersPerJvm training threads per JVM; above 1, M2's ParallelWrapper deadlocks on
   *     truncated BPTT (see docs/gradient-sharing.md)
   */
  static SharedTrainingMaster master(int streams, int trainersPerJvm) {
    System.setProperty("aeron.publication.unblock.timeout", "60000000000");
    VoidConfiguration voidConf = VoidConfiguration.builder()
        .portSupplier(new PerJvmPort())
        .controllerAddress("127.0.0.1")
        .networkMask("127.0.0.0/8")
        .build();
    SharedTrainingMaster master = new SharedTrainingMaster.Builder(voidConf, new AdaptiveThresholdAlgorithm(1e-3), streams)
        .batchSizePerWorker(streams)
        .workersPerNode(trainersPerJvm)
        .workerPrefetchNumBatches(0)
        .rngSeed(1)
        .build();
    master.setLogMinibatchesPerWorker(true);
    return master;
  }
}
