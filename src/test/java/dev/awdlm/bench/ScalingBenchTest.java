package dev.awdlm.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.TrainConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.deeplearning4j.spark.api.stats.SparkTrainingStats;
import org.deeplearning4j.spark.stats.BaseEventStats;
import org.deeplearning4j.spark.stats.EventStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round-time split, on statistics with hand-picked durations, the verdict, on hand-picked
 * figures, and the options, config and executor settings the bench runs with.
 */
class ScalingBenchTest {

  /** dl4j-spark's master statistics expose their workers' keys too, as this stand-in does. */
  private record Stats(Map<String, List<Long>> ms) implements SparkTrainingStats {
    public Set<String> getKeySet() {
      return ms.keySet();
    }

    public List<EventStats> getValue(String key) {
      return ms.get(key).stream().map(d -> (EventStats) new BaseEventStats(0, d)).toList();
    }

    public String getShortNameForKey(String key) {
      return key;
    }

    public boolean defaultIncludeInPlots(String key) {
      return false;
    }

    public void addOtherTrainingStats(SparkTrainingStats other) {}

    public SparkTrainingStats getNestedTrainingStats() {
      return null;
    }

    public String statsAsString() {
      return "";
    }

    public void exportStatFiles(String outputPath, SparkContext sc) {}
  }

  @Test
  void computeIsParallelFitAndAggregationIsWhatTheActionTakesBeyondIt() {
    Map<String, List<Long>> ms = new LinkedHashMap<>();
    ms.put("ParameterAveragingWorkerFitTimesMs", List.of(20_000L, 20_000L, 22_000L, 18_000L)); // 2 workers x 2 rounds
    ms.put("ParameterAveragingMasterAggregateTimesMs", List.of(21_000L, 22_000L)); // includes the lazy fitting
    ms.put("ParameterAveragingMasterBroadcastCreateTimesMs", List.of(300L, 200L));
    ms.put("ParameterAveragingMasterProcessParamsUpdaterTimesMs", List.of(100L, 100L));
    ms.put("ParameterAveragingWorkerBroadcastGetValueTimeMs", List.of(400L, 400L, 400L, 400L));
    ms.put("ParameterAveragingWorkerInitTimeMs", List.of(100L, 100L, 100L, 100L));
    ms.put("ParameterAveragingMasterFitTimesMs", List.of(22_000L, 23_000L)); // the whole round: not a part
    ScalingBench.Split s = ScalingBench.split(new Stats(ms), 2, 46.0);
    assertEquals(40.0, s.compute(), 1e-9, "80 s of fitting on 2 workers in parallel");
    // aggregation beyond compute 43 - 40 = 3; broadcast + process 0.7; worker fetch + init 2.0 / 2 = 1.0
    assertEquals(4.7, s.communication(), 1e-9);
    assertEquals(46.0 - 40.0 - 4.7, s.scheduling(), 1e-9);
  }

  private static final List<Integer> ONE = List.of(1, 1, 1);
  private static final List<Integer> TWO = List.of(2, 2, 2);

  @Test
  void nearLinearScalingMeetsTheTargetAndSublinearBelowItDoesNot() {
    ScalingBench.Verdict v = ScalingBench.verdict(2_000, 3_700, ONE, TWO, 0.85);
    assertEquals(0.925, v.efficiency(), 1e-12);
    assertTrue(v.meetsTarget());
    assertNull(v.failure());
    ScalingBench.Verdict slow = ScalingBench.verdict(2_000, 3_000, ONE, TWO, 0.85);
    assertFalse(slow.meetsTarget());
    assertNull(slow.failure(), "slow is a result, not a broken measurement");
    assertNull(ScalingBench.verdict(2_000, 4_160, ONE, TWO, 0.85).failure(), "1.04: within the noise");
  }

  @Test
  void superlinearScalingIsABrokenMeasurement() {
    // the figures the bench printed when its "1 executor" run trained 2 workers
    ScalingBench.Verdict v = ScalingBench.verdict(699, 1_823, ONE, TWO, 0.85);
    assertEquals(1.304, v.efficiency(), 1e-3);
    assertFalse(v.meetsTarget());
    assertTrue(v.failure().contains("above linear"), v.failure());
  }

  @Test
  void roundsThatTrainedAnotherNumberOfWorkersAreABrokenMeasurement() {
    ScalingBench.Verdict v = ScalingBench.verdict(2_000, 3_700, List.of(2, 2, 2), TWO, 0.85);
    assertFalse(v.meetsTarget());
    assertTrue(v.failure().contains("[2, 2, 2] worker(s) on 1 executor"), v.failure());
    assertFalse(ScalingBench.verdict(2_000, 3_700, ONE, List.of(2, 1, 2), 0.85).meetsTarget());
  }

  /** A jar, a Spark home laid out for local-cluster and an argfile, as jobs/awdlm gives them. */
  private record Launch(Path jar, Path home, Path argfile) {
    static Launch in(Path tmp) throws Exception {
      Path home = Files.createDirectories(tmp.resolve("spark-home"));
      Files.createDirectories(home.resolve("jars"));
      Files.writeString(home.resolve("RELEASE"), "");
      return new Launch(Files.writeString(tmp.resolve("app.jar"), "jar"), home, Files.writeString(tmp.resolve("java17.args"), "-Da=b"));
    }

    ScalingBench.Options options(int rounds) {
      return new ScalingBench.Options(rounds, "averaging", "-XX:+UseSerialGC", 2048, jar, home, argfile, "stamp");
    }
  }

  @Test
  void badOptionsAreNamed(@TempDir Path tmp) throws Exception {
    Launch l = Launch.in(tmp);
    assertEquals("--rounds", assertThrows(ConfigError.class, () -> l.options(0)).key());
    assertEquals("--executor-memory-mb",
        assertThrows(ConfigError.class, () -> new ScalingBench.Options(1, "averaging", "", 0, l.jar(), l.home(), null, "s")).key());
    assertEquals("--app-jar",
        assertThrows(ConfigError.class, () -> new ScalingBench.Options(1, "averaging", "", 1, null, l.home(), null, "s")).key());
    assertEquals("--app-jar",
        assertThrows(ConfigError.class, () -> new ScalingBench.Options(1, "averaging", "", 1, tmp.resolve("no.jar"), l.home(), null, "s")).key());
    assertEquals("--spark-home",
        assertThrows(ConfigError.class, () -> new ScalingBench.Options(1, "averaging", "", 1, l.jar(), null, null, "s")).key());
    Files.delete(l.home().resolve("RELEASE"));
    assertEquals("--spark-home",
        assertThrows(ConfigError.class, () -> new ScalingBench.Options(1, "averaging", "", 1, l.jar(), l.home(), null, "s")).key());
    Files.writeString(l.home().resolve("RELEASE"), "");
    assertEquals("--java17-argfile",
        assertThrows(ConfigError.class, () -> new ScalingBench.Options(1, "averaging", "", 1, l.jar(), l.home(), tmp.resolve("x"), "s")).key());
  }

  @Test
  void benchTrainsThePtbSmallPresetWithStatisticsWhateverTheUserSet() {
    AwdlmConfig c = ConfigLoader.load(null, ScalingBench.overrides(List.of("model.nhid=32", "train.averagingFrequency=2",
        "train.collectStats=false", "train.repartition=always", "data.vocabSize=300"), "averaging"));
    assertEquals(TrainConfig.Sync.AVERAGING, c.train().sync());
    assertEquals(400, c.model().nhid());
    assertEquals(0.65, c.model().dropouti());
    assertEquals(35, c.train().bptt());
    assertEquals(5, c.train().averagingFrequency());
    assertTrue(c.train().collectStats());
    assertEquals(2, c.train().prefetch());
    assertEquals("never", String.valueOf(c.train().repartition()).toLowerCase(java.util.Locale.ROOT));
    assertEquals(300, c.data().vocabSize(), "the corpus settings stay the user's");
  }

  @Test
  void underSharingTheBenchTrainsWithoutTheStatisticsAndScheduleGradientSharingCannotHave() {
    AwdlmConfig c = ConfigLoader.load(null, ScalingBench.overrides(List.of("train.collectStats=true", "train.when=[3]"), "sharing"));
    assertEquals(TrainConfig.Sync.SHARING, c.train().sync());
    assertFalse(c.train().collectStats());
    assertEquals(List.of(), c.train().when());
    assertEquals(5, c.train().averagingFrequency(), "rounds of 5 DataSets per worker in both modes");
    ConfigError bad = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, ScalingBench.overrides(List.of(), "allreduce")));
    assertEquals("train.sync", bad.key());
  }

  @Test
  void executorsLoadTheAppJarWithTheJava17FlagsAndTheLocalClock(@TempDir Path tmp) throws Exception {
    Launch l = Launch.in(tmp);
    String property = "org.deeplearning4j.spark.time.TimeSource";
    String before = System.getProperty(property);
    try {
      SparkConf conf = ScalingBench.clusterConf(2, l.options(3));
      assertEquals("local-cluster[2,1,2048]", conf.get("spark.master"));
      assertEquals("2048m", conf.get("spark.executor.memory"));
      assertEquals(l.jar().toAbsolutePath().toString(), conf.get("spark.jars"));
      String local = "org.deeplearning4j.spark.time.SystemClockTimeSource";
      assertEquals("@" + l.argfile().toAbsolutePath() + " -XX:+UseSerialGC -D" + property + "=" + local,
          conf.get("spark.executor.extraJavaOptions"));
      assertEquals(local, System.getProperty(property), "the driver's statistics use the local clock too");
    } finally {
      if (before == null) System.clearProperty(property);
      else System.setProperty(property, before);
    }
  }
}
