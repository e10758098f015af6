package dev.awdlm.cli;

import dev.awdlm.config.ConfigError;
import java.io.PrintWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine;

/** {@code awdlm}: the entry point for jobs/awdlm (local mode) and spark-submit (clusters). */
@Command(
    name = "awdlm",
    mixinStandardHelpOptions = true,
    versionProvider = AwdlmCommand.Version.class,
    description = "AWD-LSTM language-model training on Spark.",
    subcommands = {
      PrepareCommand.class,
      TrainCommand.class,
      FinetuneCommand.class,
      EvaluateCommand.class,
      ScoreCommand.class,
      GenerateCommand.class,
      PipelineCommand.class,
      BenchCommand.class,
      NotebooksCommand.class,
      RetrainCommand.class,
      CommandLine.HelpCommand.class
    },
    footer = {"", "Exit codes: 0 ok, 2 usage or config error, 3 registry locked (retrain), 1 runtime failure."})
public final class AwdlmCommand implements Runnable {
  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;
  /** retrain: another retrain holds the registry's lease. */
  public static final int LOCKED = 3;
  private static final Logger LOG = LoggerFactory.getLogger(AwdlmCommand.class);

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
  }

  public static void main(String[] args) {
    System.exit(execute(args));
  }

  /** Runs the command line and returns its exit code; never calls {@code System.exit}. */
  public static int execute(String... args) {
    CommandLine cl = new CommandLine(new AwdlmCommand());
    cl.setExecutionExceptionHandler(AwdlmCommand::handle);
    try {
      return cl.execute(args);
    } catch (Error e) {
      // picocli hands only Exceptions to the handler; an Error (Hadoop's FSError on a full local disk) gets here.
      CommandLine.ParseResult parsed = cl.getParseResult();
      while (parsed != null && parsed.hasSubcommand()) parsed = parsed.subcommand();
      return failed(parsed != null ? parsed.commandSpec().commandLine() : cl, e);
    }
  }

  private static int handle(Exception e, CommandLine cl, CommandLine.ParseResult parsed) {
    PrintWriter err = cl.getErr();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof dev.awdlm.retrain.LockedException locked) {
        err.println("awdlm " + cl.getCommandName() + ": " + locked.getMessage());
        err.flush();
        return LOCKED;
      }
    }
    ConfigError config = ConfigError.within(e); // it may arrive wrapped, e.g. by Spark: still the user's input at fault
    if (config != null) {
      err.println("awdlm " + cl.getCommandName() + ": config error: " + config.getMessage());
      err.flush();
      return USAGE;
    }
    return failed(cl, e);
  }

  private static int failed(CommandLine cl, Throwable e) {
    LOG.error("awdlm {} failed", cl.getCommandName(), e);
    PrintWriter err = cl.getErr();
    err.println("awdlm " + cl.getCommandName() + ": failed: " + rootMessage(e));
    err.flush();
    return FAILED;
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) t = t.getCause();
    String own = e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName();
    return t == e || own.contains(t.toString()) ? own : own + " (cause: " + t + ")";
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = AwdlmCommand.class.getPackage().getImplementationVersion();
      return new String[] {"awdlm " + (v != null ? v : "dev")};
    }
  }
}
