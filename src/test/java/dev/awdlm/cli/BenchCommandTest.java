package dev.awdlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.bench.PrepareBench;
import dev.awdlm.testing.TestFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Benchmarks run for real on small inputs: their JSON contract, not their speed, is tested here. */
class BenchCommandTest {

  @Test
  void prepareBenchPrintsAndWritesItsJson(@TempDir Path tmp) throws Exception {
    Path corpus = TestFiles.copyResource("corpus/tiny/train.txt", tmp.resolve("train.txt"));
    dev.awdlm.testing.CliRun r = AwdlmCommandTest.awdlm("bench", "prepare", "--corpus", corpus.toString(),
        "--generated-mb", "1", "--work", tmp.resolve("work").toString(), "--cores", "1,2", "--repeats", "1",
        "--set", "train.batchSize=4", "--set", "data.windowsPerShard=2", "--output", tmp.resolve("out").toUri().toString());
    assertEquals(0, r.code(), r.err());
    String[] lines = r.out().trim().split("\n");
    JsonNode printed = new ObjectMapper().readTree(lines[lines.length - 1]);
    JsonNode written = new ObjectMapper().readTree(tmp.resolve("out/bench/prepare.json").toFile());
    assertEquals(printed, written);
    assertEquals("prepare", printed.get("bench").asText());
    assertEquals("word", printed.get("tokenizer").asText());
    // the whole prepare reads the tiny corpus as train, valid and test: 3 x 43,783 bytes = 0.1313 MB; the generated one at least 1 MB
    assertEquals(0.1313, printed.get("corpus_mb").asDouble(), 1e-9);
    assertTrue(printed.get("generated_mb").asDouble() >= 1.0, printed.toString());
    for (String key : new String[] {"corpus_prepare_mb_per_s_1", "corpus_prepare_mb_per_s_2", "corpus_tokenize_mb_per_s_2",
        "generated_prepare_tokens_per_s_2", "generated_tokenize_mb_per_s_1", "speedup", "mb_per_s_per_core", "tokenize_speedup"}) {
      assertTrue(printed.get(key).asDouble() > 0, key + " in " + printed);
    }
    assertEquals(printed.get("generated_prepare_mb_per_s_2").asDouble() / printed.get("generated_prepare_mb_per_s_1").asDouble(),
        printed.get("speedup").asDouble(), 0.01 * printed.get("speedup").asDouble());
    assertTrue(printed.get("generated_prepare_load_2").asDouble() >= 0, printed.toString());
    assertTrue(printed.has("loaded"));
    assertFalse(Files.exists(tmp.resolve("work/prepared")), "the prepared runs are removed when the bench ends");
    assertTrue(printed.has("meets_targets"));
  }

  @Test
  void generatedCorpusIsSeededRepetitionOfTheSource(@TempDir Path tmp) throws Exception {
    Path source = tmp.resolve("s.txt");
    Files.writeString(source, "a b\nc d e\nf\n");
    Path one = PrepareBench.generate(source, tmp.resolve("one"), 60, 5);
    Path two = PrepareBench.generate(source, tmp.resolve("two"), 60, 5);
    assertEquals(Files.readString(one), Files.readString(two), "same seed, same corpus");
    List<String> lines = Files.readAllLines(one);
    assertTrue(Files.size(one) >= 60);
    assertEquals(0, lines.size() % 3, "whole repetitions only");
    for (int k = 0; k < lines.size(); k += 3) {
      assertEquals(List.of("a b", "c d e", "f"), lines.subList(k, k + 3).stream().sorted().toList(), "repetition " + k / 3);
    }
    assertTrue(Files.readString(PrepareBench.generate(source, tmp.resolve("three"), 60, 6)).length() > 0);
  }

  @Test
  void outputComesAfterTheUsersOverridesAsCommonOptionsApplyIt() {
    CommonOptions common = new CommonOptions();
    common.overrides = List.of("output.dir=file:/a", "train.epochs=2");
    common.output = "file:/b";
    assertEquals(List.of("output.dir=file:/a", "train.epochs=2", "output.dir=file:/b"), BenchCommand.overrides(common));
  }

  @Test
  void scalingRefusesASparkHomeThatSparksWorkersWouldNotUse(@TempDir Path tmp) throws Exception {
    Path home = Files.createDirectories(tmp.resolve("spark-home/jars")).getParent();
    Files.writeString(home.resolve("RELEASE"), "");
    Path jar = Files.writeString(tmp.resolve("app.jar"), "jar");
    dev.awdlm.testing.CliRun r = AwdlmCommandTest.awdlm("bench", "scaling", "--app-jar", jar.toString(), "--spark-home", home.toString(),
        "--output", tmp.resolve("out").toUri().toString());
    assertEquals(2, r.code(), r.err());
    assertTrue(r.err().contains("--spark-home = '" + home + "': is not $SPARK_HOME"), r.err());
    assertFalse(Files.exists(tmp.resolve("out")), "nothing written");
  }
}
