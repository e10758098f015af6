package dev.awdlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.testing.CliRun;
import dev.awdlm.testing.FullDiskFileSystem;
import dev.awdlm.testing.TestFiles;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The command line as a user meets it: help, exit codes, and bad config caught before Spark. */
class AwdlmCommandTest {

  static CliRun awdlm(String... args) {
    return CliRun.awdlm(args);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "prepare", "train", "evaluate", "pipeline", "bench", "bench ceiling", "bench prepare", "bench model", "bench scaling", "bench quality", "bench score", "notebooks", "retrain"})
  void everyCommandHasHelp(String command) {
    List<String> args = new ArrayList<>(command.isEmpty() ? List.of() : List.of(command.split(" ")));
    args.add("--help");
    CliRun run = awdlm(args.toArray(String[]::new));
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: awdlm" + (command.isEmpty() ? "" : " " + command)), run.out());
    // picocli formats descriptions with String.format: a bare '%' prints a warning and raw text.
    assertFalse(run.err().contains("picocli WARN"), run.err());
    if (!command.isEmpty() && !command.equals("bench")) {
      for (String option : List.of("--config", "--set", "--output", "--run-id")) {
        assertTrue(run.out().contains(option), command + " --help lacks " + option);
      }
    }
  }

  /** score's --output is its dataset and generate reads no config, so they do without the shared options. */
  @ParameterizedTest
  @ValueSource(strings = {"score", "generate"})
  void scoringCommandsHaveHelp(String command) {
    CliRun run = awdlm(command, "--help");
    assertEquals(0, run.code(), run.err());
    assertTrue(run.out().startsWith("Usage: awdlm " + command), run.out());
    assertFalse(run.err().contains("picocli WARN"), run.err());
    assertTrue(run.out().contains("--model"), run.out());
  }

  /** The package's documentation is where a newcomer looks first: it must name what the command line has. */
  @Test
  void thePackageInfoListsEveryCommandAndExitCode() throws Exception {
    String doc = Files.readString(TestFiles.projectDir().resolve("src/main/java/dev/awdlm/cli/package-info.java"));
    picocli.CommandLine awdlm = new picocli.CommandLine(new AwdlmCommand());
    for (var command : awdlm.getSubcommands().entrySet()) {
      if (command.getKey().equals("help")) continue;
      List<String> sub = command.getValue().getSubcommands().keySet().stream().toList();
      String listed = "{@code " + command.getKey() + (sub.isEmpty() ? "}" : " " + String.join("|", sub) + "}");
      assertTrue(doc.contains(listed), "cli/package-info lacks " + listed);
    }
    String codes = doc.substring(doc.indexOf("Exit codes:"));
    for (int code : new int[] {AwdlmCommand.OK, AwdlmCommand.FAILED, AwdlmCommand.USAGE, AwdlmCommand.LOCKED}) {
      assertTrue(codes.matches("(?s).*\\b" + code + " [a-z].*"), "cli/package-info lacks exit code " + code);
    }
  }

  @Test
  void unknownCommandOrOptionIsAUsageError() {
    assertEquals(2, awdlm("fly").code());
    CliRun run = awdlm("prepare", "--no-such-option");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--no-such-option"), run.err());
    assertEquals(2, awdlm().code());
    assertEquals(2, awdlm("bench").code());
  }

  @Test
  void versionIsPrinted() {
    CliRun run = awdlm("--version");
    assertEquals(0, run.code());
    assertTrue(run.out().startsWith("awdlm "), run.out());
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.dropout=1.5", "train.batchSize=0", "data.train=DATA/does-not-exist.txt", "model.nhid=abc"})
  void badConfigExitsTwoNamingTheKeyBeforeSparkAndBeforeWriting(String override, @TempDir Path tmp) {
    Path data = TestFiles.corpus("tiny", tmp.resolve("data"));
    Path output = tmp.resolve("runs");
    String key = override.substring(0, override.indexOf('='));
    for (String command : List.of("pipeline", "prepare")) {
      CliRun run = awdlm(command,
          "--set", "data.train=" + data.resolve("train.txt"),
          "--set", "data.valid=" + data.resolve("valid.txt"),
          "--set", "data.test=" + data.resolve("test.txt"),
          "--set", override.replace("DATA", data.toString()),
          "--output", output.toUri().toString(), "--run-id", "r1");
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().contains("config error: " + key), run.err());
      assertTrue(SparkSession.getDefaultSession().isEmpty(), "a Spark context was started");
      assertFalse(Files.exists(output), "something was written to " + output);
    }
  }

  @Test
  void existingRunIdIsRefusedBeforeSpark(@TempDir Path tmp) throws Exception {
    Path data = TestFiles.corpus("tiny", tmp.resolve("data"));
    Files.createDirectories(tmp.resolve("runs/r1"));
    CliRun run = awdlm("prepare", "--set", "data.train=" + data.resolve("train.txt"),
        "--set", "data.valid=" + data.resolve("valid.txt"), "--set", "data.test=" + data.resolve("test.txt"),
        "--output", tmp.resolve("runs").toString(), "--run-id", "r1");
    assertEquals(2, run.code());
    assertTrue(run.err().contains("--run-id = 'r1'"), run.err());
    assertTrue(SparkSession.getDefaultSession().isEmpty());
  }

  @Test
  void aClaimedRunIdIsRefusedBeforeSpark(@TempDir Path tmp) throws Exception {
    Path data = TestFiles.corpus("tiny", tmp.resolve("data"));
    Path claim = Files.writeString(Files.createDirectories(tmp.resolve("runs")).resolve(".r1.claim"), "{}");
    CliRun run = awdlm("prepare", "--set", "data.train=" + data.resolve("train.txt"),
        "--set", "data.valid=" + data.resolve("valid.txt"), "--set", "data.test=" + data.resolve("test.txt"),
        "--output", tmp.resolve("runs").toString(), "--run-id", "r1");
    assertEquals(2, run.code(), run.err());
    assertTrue(run.err().contains("--run-id = 'r1': run id in use") && run.err().contains(claim.toString()), run.err());
    assertTrue(SparkSession.getDefaultSession().isEmpty());
  }

  @Test
  void anErrorSuchAsAFullDiskEndsInOneLineAndExitCodeOne(@TempDir Path tmp) throws Exception {
    System.setProperty("spark.hadoop.fs.full.impl", FullDiskFileSystem.class.getName());
    try {
      CliRun run = awdlm("bench", "ceiling", "--size", "16", "--seconds", "0.001",
          "--output", FullDiskFileSystem.SCHEME + "://" + tmp.resolve("runs"));
      assertEquals(1, run.code(), run.err());
      String last = run.err().trim().lines().reduce((a, b) -> b).orElse(""); // the log, with the trace, comes before
      assertTrue(last.startsWith("awdlm ceiling: failed: ") && last.contains("No space left on device"), run.err());
      try (var left = Files.list(tmp.resolve("runs/bench"))) {
        assertEquals(List.of(), left.toList(), "no temporary file left");
      }
    } finally {
      System.clearProperty("spark.hadoop.fs.full.impl");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"nosuchscheme://host/runs", "hdfs://no-such-host.invalid/runs"})
  void anOutputDirOnNoFilesystemNamesTheKeyBeforeSpark(String output, @TempDir Path tmp) {
    Path data = TestFiles.corpus("tiny", tmp.resolve("data"));
    for (String command : List.of("prepare", "pipeline")) {
      CliRun run = awdlm(command, "--set", "data.train=" + data.resolve("train.txt"),
          "--set", "data.valid=" + data.resolve("valid.txt"), "--set", "data.test=" + data.resolve("test.txt"),
          "--output", output, "--run-id", "r1");
      assertEquals(2, run.code(), run.err());
      assertTrue(run.err().contains("config error: output.dir = '" + output + "'"), run.err());
      assertTrue(SparkSession.getDefaultSession().isEmpty());
    }
    CliRun train = awdlm("train", "--output", output, "--run-id", "r1");
    assertEquals(2, train.code(), train.err());
    assertTrue(train.err().contains("config error: output.dir"), train.err());
  }

  @Test
  void trainWithoutRunIdOrUnpreparedRunIsAConfigError(@TempDir Path tmp) {
    CliRun noId = awdlm("train", "--output", tmp.toString());
    assertEquals(2, noId.code());
    assertTrue(noId.err().contains("--run-id"), noId.err());
    CliRun unprepared = awdlm("evaluate", "--output", tmp.toString(), "--run-id", "nothing-here");
    assertEquals(2, unprepared.code());
    assertTrue(unprepared.err().contains("prepare.json is missing"), unprepared.err());
    CliRun badId = awdlm("train", "--output", tmp.toString(), "--run-id", "../escape");
    assertEquals(2, badId.code());
    assertTrue(badId.err().contains("--run-id = '../escape'"), badId.err());
  }

  @Test
  void defaultOutputIsRunsUnderTheWorkingDirectory() {
    // output.dir defaults to file:./runs, a relative file URI
    CliRun r = awdlm("evaluate", "--run-id", "no-such-run-xyz");
    assertEquals(2, r.code(), r.err());
    String expected = "file:" + Path.of("runs", "no-such-run-xyz", "prepare.json").toAbsolutePath();
    assertTrue(r.err().contains(expected), r.err());
    assertFalse(Files.exists(Path.of("runs", "no-such-run-xyz")));
  }

  @Test
  void thePointerIsRefusedBeforeSparkWhereItCannotApply(@TempDir Path tmp) throws Exception {
    CliRun withText = awdlm("evaluate", "--model", tmp.toString(), "--data", tmp.toString(), "--tune-pointer");
    assertEquals(2, withText.code(), withText.err());
    assertTrue(withText.err().contains("--tune-pointer: applies to --run-id"), withText.err());
    // A stock-LSTM run: the pointer reads states only the AWD-LSTM layer hands out.
    Path run = Files.createDirectories(tmp.resolve("runs/r1/model"));
    Files.writeString(run.getParent().resolve("prepare.json"), "{}");
    Files.writeString(run.resolve("model.zip"), "");
    CliRun stock = awdlm("evaluate", "--output", tmp.resolve("runs").toString(), "--run-id", "r1", "--pointer",
        "--set", "model.kind=lstm");
    assertEquals(2, stock.code(), stock.err());
    assertTrue(stock.err().contains("eval.pointer.enabled") && stock.err().contains("model.kind = awd-lstm"), stock.err());
  }

  @Test
  void aNotebookBudgetThatCannotWorkIsAConfigErrorBeforeAnyTraining() {
    CliRun nonmono = awdlm("notebooks", "--only", "recipe", "--recipe-epochs", "4", "--recipe-nonmono", "4");
    assertEquals(2, nonmono.code(), nonmono.err());
    assertTrue(nonmono.err().contains("--recipe-nonmono = 4: must be in [1, --recipe-epochs)"), nonmono.err());
    CliRun model = awdlm("notebooks", "--only", "ablation", "--ablation-model", "256,256");
    assertEquals(2, model.code(), model.err());
    assertTrue(model.err().contains("--ablation-model = '256,256': takes three whole numbers"), model.err());
    CliRun seeds = awdlm("notebooks", "--only", "ablation", "--ablation-seeds", "0");
    assertEquals(2, seeds.code(), seeds.err());
    assertTrue(seeds.err().contains("--ablation-seeds = 0"), seeds.err());
    assertEquals(2, awdlm("notebooks", "--only", "everything").code());
  }
}
