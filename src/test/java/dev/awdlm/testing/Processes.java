package dev.awdlm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a command line (a jobs/ script, spark-submit) as a real child process. */
public final class Processes {
  private Processes() {}

  /** Exit code and combined stdout+stderr of a finished process. */
  public record Result(int exitCode, String output) {
    /** The output, for assertion messages. */
    public String describe() {
      String tail = output.length() > 8000 ? "..." + output.substring(output.length() - 8000) : output;
      return "exit " + exitCode + ", output:\n" + tail;
    }
  }

  /** A started process whose combined output goes to {@code log}. */
  public static Process start(List<String> command, Map<String, String> env, Path log) {
    try {
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(TestFiles.projectDir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      return pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Kills a process and everything it started, as a crash or kill -9 would. */
  public static void kill(ProcessHandle process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.onExit().join();
  }

  public static Result run(List<String> command, Map<String, String> env, long timeoutSeconds) {
    try {
      Path log = Files.createTempFile("awdlm-process", ".log");
      ProcessBuilder pb = new ProcessBuilder(command)
          .directory(TestFiles.projectDir().toFile())
          .redirectErrorStream(true)
          .redirectOutput(log.toFile());
      pb.environment().putAll(env);
      Process p = pb.start();
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        throw new AssertionError("timed out after " + timeoutSeconds + " s: " + command + "\n" + Files.readString(log));
      }
      String out = Files.readString(log);
      Files.delete(log);
      return new Result(p.exitValue(), out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
