package dev.awdlm.train;

import dev.awdlm.config.TrainConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InterfaceAddress;
import java.net.NetworkInterface;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * {@code train.sync = sharing}: dl4j-spark-parameterserver 1.0.0-M2's {@link SharedTrainingMaster}
 * with what it takes to run on Spark 3.5 / Java 17. Each workaround names the failure it avoids;
 * docs/gradient-sharing.md has the logs and what would make it unnecessary.
 */
public final class GradientSharing {
  /**
   * Aeron (1.39, from nd4j-aeron M2.1) refuses to start a media driver whose publication-unblock
   * timeout (default 15 s) is not above the client liveness timeout, which nd4j's AeronUdpTransport
   * raises to 30 s: "ConfigurationException: ERROR - publicationUnblockTimeoutNs=15000000000 <=
   * clientLivenessTimeoutNs=30000000000". The driver reads the property when the transport creates
   * it, so it must be set in every JVM before its first gradient-sharing task.
   */
  static final String UNBLOCK_TIMEOUT_PROPERTY = "aeron.publication.unblock.timeout";

  static final String UNBLOCK_TIMEOUT_NS = "60000000000";

  /** Why {@code train.json} has no training NLL under sharing. */
  public static final String NLL_UNOBSERVED = "gradient sharing: dl4j-spark-parameterserver 1.0.0-M2 sends no listener output "
      + "back to the driver (SharedTrainingWrapper returns empty listener updates), so the workers' NLL is not observed";

  private GradientSharing() {}

  /**
   * Sets the Aeron property {@link #UNBLOCK_TIMEOUT_PROPERTY} in this JVM unless the user set it.
   * The driver calls it when it builds the master, each executor when it deserializes a round's
   * {@link SharedRounds#observing} loader, which happens before SharedTrainingWrapper starts the
   * transport.
   */
  static void prepareJvm() {
    if (System.getProperty(UNBLOCK_TIMEOUT_PROPERTY) == null) System.setProperty(UNBLOCK_TIMEOUT_PROPERTY, UNBLOCK_TIMEOUT_NS);
  }

  /**
   * A master for {@code workers} Spark tasks per round, each fitting DataSets of
   * {@code train.batchSize} streams, one trainer per executor JVM.
   */
  static SharedTrainingMaster master(TrainConfig t, int workers, String driverHost) {
    prepareJvm();
    VoidConfiguration voidConf = VoidConfiguration.builder()
        .portSupplier(new PerJvmPort())
        .controllerAddress(driverHost)
        .networkMask(networkMask(driverHost))
        .build();
    return new SharedTrainingMaster.Builder(voidConf, workers, new AdaptiveThresholdAlgorithm(), t.batchSize())
        .batchSizePerWorker(t.batchSize())
        // One trainer thread per JVM: with 2, M2's ParallelWrapper hung in
        // DefaultTrainer.waitTillRunning on the second fit, and with truncated BPTT on the first.
        .workersPerNode(1)
        .workerPrefetchNumBatches(t.prefetch())
        // TrainingMasters.round gives one partition per worker; the default DefaultRepartitioner
        // would split a round into one partition per DataSet.
        .repartitioner(null)
        .repartitionData(TrainingMasters.repartition(t.repartition()))
        .rngSeed(t.seed())
        .build();
  }

  /**
   * The network each executor announces its own address in: the driver's subnet. Without a mask
   * an executor falls back to $DL4J_VOID_IP, then to 127.0.0.1, which other machines cannot reach.
   */
  static String networkMask(String driverHost) {
    try {
      InetAddress driver = InetAddress.getByName(driverHost);
      if (driver.isLoopbackAddress()) return "127.0.0.0/8";
      NetworkInterface nic = NetworkInterface.getByInetAddress(driver);
      if (nic != null) {
        for (InterfaceAddress a : nic.getInterfaceAddresses()) {
          if (a.getAddress().equals(driver)) return subnet(driver.getAddress(), a.getNetworkPrefixLength());
        }
      }
      return driver.getHostAddress() + "/32";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot resolve the driver's address " + driverHost, e);
    }
  }

  /** {@code address/prefix} with the host bits cleared, as nd4j's NetworkOrganizer takes it. */
  static String subnet(byte[] address, int prefix) {
    byte[] b = address.clone();
    for (int i = 0; i < b.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      b[i] &= (byte) (0xff << (8 - keep));
    }
    try {
      return InetAddress.getByAddress(b).getHostAddress() + "/" + prefix;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One UDP port per JVM, free when first asked for. M2's StaticPortSupplier(int) never stores its
   * argument and always answers 49876, so a driver and its executors on one machine (local-cluster,
   * or two trainings at once) would all bind the same port. The driver takes its port as the
   * controller's and tells the executors in the broadcast configuration; each executor JVM asks
   * this class again for its own.
   */
  static final class PerJvmPort implements PortSupplier {
    private static int port;

    @Override
    public int getPort() {
      synchronized (PerJvmPort.class) {
        if (port == 0) port = freeUdpPort();
        return port;
      }
    }

    private static int freeUdpPort() {
      try (DatagramSocket s = new DatagramSocket(0)) {
        return s.getLocalPort();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
