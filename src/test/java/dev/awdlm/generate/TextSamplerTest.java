package dev.awdlm.generate;

import static dev.awdlm.testing.CliRun.awdlm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.eval.SavedModel;
import dev.awdlm.score.TinyModel;
import dev.awdlm.testing.CliRun;
import dev.awdlm.testing.SparkExtension;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** {@code awdlm generate} on the trained tiny model, and the sampling rule on hand-made distributions. */
@ExtendWith(SparkExtension.class)
class TextSamplerTest {
  static String model;
  static SavedModel saved;

  @BeforeAll
  static void train(JavaSparkContext sc) {
    model = TinyModel.run(sc).toUri().toString();
    saved = SavedModel.load("--model", model, sc.hadoopConfiguration());
  }

  private static CliRun generate(String... args) {
    String[] all = new String[args.length + 3];
    all[0] = "generate";
    all[1] = "--model";
    all[2] = model;
    System.arraycopy(args, 0, all, 3, args.length);
    return awdlm(all);
  }

  @Test
  void theSameSeedPrintsTheSameTextMadeOfVocabularyTokens() {
    CliRun first = generate("--prompt", "the river", "--words", "60", "--temperature", "0.9", "--seed", "5");
    CliRun second = generate("--prompt", "the river", "--words", "60", "--temperature", "0.9", "--seed", "5");
    assertEquals(0, first.code(), first.err());
    assertEquals(first.out(), second.out(), "same seed, same text");
    assertNotEquals(first.out(), generate("--prompt", "the river", "--words", "60", "--temperature", "0.9", "--seed", "6").out(),
        "another seed, another text");
    assertTrue(first.out().startsWith("the river "), first.out());
    String text = first.out().substring(0, first.out().length() - 1); // println's own line break
    String[] words = text.trim().split("\\s+");
    for (String w : words) assertTrue(saved.vocab().contains(w), w + " is not in the vocabulary");
    long lines = text.chars().filter(ch -> ch == '\n').count();
    assertTrue(lines >= 1, "60 tokens of one-sentence lines hold an <eos>, printed as a line break:\n" + first.out());
    assertTrue(!first.out().contains("<eos>"));
    assertEquals(2 + 60, words.length + lines, "the prompt, then 60 tokens, each <eos> a line break");
  }

  @Test
  void unknownPromptWordsAreReadAsUnkAndNamed() {
    CliRun c = generate("--prompt", "the zzqx", "--words", "3", "--seed", "1");
    assertEquals(0, c.code(), c.err());
    assertTrue(c.out().startsWith("the <unk> "), c.out());
    assertTrue(c.err().contains("read as <unk>: zzqx"), c.err());
  }

  @Test
  void topOneIsTheMostLikelyTokenWhateverTheSeed() {
    assertEquals(generate("--words", "20", "--top-k", "1", "--seed", "1").out(), generate("--words", "20", "--top-k", "1", "--seed", "2").out());
  }

  @Test
  void badOptionsExitTwo() {
    for (String[] bad : new String[][] {{"--words", "0"}, {"--temperature", "0"}, {"--top-k", "-1"}, {"--top-k", "999999"}}) {
      CliRun c = generate(bad);
      assertEquals(2, c.code(), String.join(" ", bad) + ": " + c.err());
      assertTrue(c.err().contains(bad[0]), c.err());
    }
  }

  @Test
  void drawFollowsTemperatureAndTopK() {
    double[] p = {0.1, 0.2, 0.3, 0.4};
    Random random = new Random(3);
    int[] counts = new int[4];
    for (int i = 0; i < 20_000; i++) counts[TextSampler.draw(p, 1, 2, random)]++;
    assertEquals(0, counts[0] + counts[1], "only the two most likely tokens");
    // 0.4 / 0.7 = 0.571; the standard error of 20,000 draws is 0.0035
    assertEquals(0.4 / 0.7, counts[3] / 20_000.0, 0.02);
    int[] cold = new int[4];
    for (int i = 0; i < 1000; i++) cold[TextSampler.draw(p, 0.01, 0, random)]++;
    assertEquals(1000, cold[3], "a temperature near 0 is the argmax");
    int[] hot = new int[4];
    for (int i = 0; i < 20_000; i++) hot[TextSampler.draw(p, 1e6, 0, random)]++;
    for (int v = 0; v < 4; v++) assertEquals(0.25, hot[v] / 20_000.0, 0.02, "a very high temperature is uniform");
  }

  @Test
  void eosPrintsAsALineBreak() {
    assertEquals("a b\nc d", TextSampler.render(List.of("a", "b", "<eos>", "c", "d"), false));
    assertEquals("ab c\n", TextSampler.render(List.of("a", "b", "\u2581", "c", "<eos>"), true));
  }
}
