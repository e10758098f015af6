package dev.awdlm.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which GPUs the {@code -Pcuda} build can run on. Its native library, libnd4jcuda.so in {@code
 * nd4j-cuda-11.6} 1.0.0-M2.1, carries cubins for sm_37, 50, 52, 60, 61, 70, 75, 80 and 86 and no PTX
 * (read from its fatbin headers), so the driver has nothing to compile for a newer architecture:
 * on Hopper or Blackwell the first kernel launch fails, deep in training. A cubin for sm_XY runs on
 * compute capability X.Z for every Z >= Y, which is how Ada (8.9) runs the sm_86 code.
 */
public final class CudaSupport {
  private static final Logger LOG = LoggerFactory.getLogger(CudaSupport.class);

  /** The architectures libnd4jcuda.so has cubins for. */
  static final List<Capability> CUBINS = List.of(new Capability(3, 7), new Capability(5, 0), new Capability(5, 2),
      new Capability(6, 0), new Capability(6, 1), new Capability(7, 0), new Capability(7, 5), new Capability(8, 0),
      new Capability(8, 6));

  /** What {@link #CUBINS} runs on, for messages. */
  public static final String SUPPORTED = "compute capability 3.7 and 5.0 to 8.9 (Kepler K80 to Ada)";

  private CudaSupport() {}

  /** A CUDA compute capability, {@code major.minor} as nvidia-smi prints it. */
  public record Capability(int major, int minor) {
    public static Capability parse(String text) {
      String[] parts = text.trim().split("\\.");
      if (parts.length == 2 && parts[0].matches("\\d{1,3}") && parts[1].matches("\\d{1,3}")) {
        return new Capability(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
      }
      throw new IllegalArgumentException("not a compute capability (major.minor): '" + text + "'");
    }

    @Override
    public String toString() {
      return major + "." + minor;
    }
  }

  /** Empty when this build can run on {@code gpu}; otherwise why not, naming the GPU, its capability and the range. */
  public static Optional<String> refusal(String gpu, Capability capability) {
    boolean runs = CUBINS.stream().anyMatch(c -> c.major() == capability.major() && c.minor() <= capability.minor());
    if (runs) return Optional.empty();
    return Optional.of(gpu + " has compute capability " + capability + ", which this build cannot run on: its ND4J"
        + " (nd4j-cuda-11.6 1.0.0-M2.1) has native code for " + SUPPORTED + " only, cubins sm_37 to sm_86 and no PTX"
        + " for the driver to compile. Run on a supported GPU or the CPU build (see README, GPU executors).");
  }

  /**
   * Reads device {@code index}'s name and compute capability with {@code nvidiaSmi} (the index is
   * nvidia-smi's, as conf/gpu-discovery.sh reports it to Spark) and throws {@link
   * IllegalStateException} when this build cannot run on it. A capability that cannot be read is
   * logged and not checked: refusing every executor on an old driver would be worse. Returns what
   * was found.
   */
  public static String check(int index, String nvidiaSmi) {
    return check(index, nvidiaSmi, QUERY_TIMEOUT_SECONDS);
  }

  static String check(int index, String nvidiaSmi, long timeoutSeconds) {
    String gpu = "GPU " + index;
    String answer;
    Capability capability;
    try {
      answer = query(index, nvidiaSmi, timeoutSeconds);
      int comma = answer.lastIndexOf(',');
      if (comma < 0) throw new IOException("unexpected answer '" + answer + "'");
      gpu += " (" + answer.substring(0, comma).trim() + ")";
      capability = Capability.parse(answer.substring(comma + 1));
    } catch (IOException | IllegalArgumentException e) {
      String what = "cannot read the compute capability of " + gpu + " (" + e.getMessage() + "); not checked,"
          + " though this build runs on " + SUPPORTED + " only";
      LOG.warn("gpu: {}", what);
      return what;
    }
    Optional<String> refusal = refusal(gpu, capability);
    if (refusal.isPresent()) throw new IllegalStateException(refusal.get());
    String what = gpu + ", compute capability " + capability + ": supported by this build";
    LOG.info("gpu: {}", what);
    return what;
  }

  /** A hung driver must not stall the executor's start for longer than this. */
  static final long QUERY_TIMEOUT_SECONDS = 20;

  private static String query(int index, String nvidiaSmi, long timeoutSeconds) throws IOException {
    Process p = new ProcessBuilder(nvidiaSmi, "--query-gpu=name,compute_cap", "--format=csv,noheader",
        "-i", Integer.toString(index)).redirectErrorStream(true).start();
    try {
      // The answer is one short line, far below a pipe's buffer, so waiting before reading cannot deadlock.
      if (!p.waitFor(timeoutSeconds, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(nvidiaSmi + " did not answer within " + timeoutSeconds + " s");
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
      throw new IOException("interrupted waiting for " + nvidiaSmi, e);
    }
    String out;
    try (InputStream in = p.getInputStream()) {
      out = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    if (p.exitValue() != 0) throw new IOException(nvidiaSmi + " exited with " + p.exitValue() + ": " + out);
    return out;
  }
}
