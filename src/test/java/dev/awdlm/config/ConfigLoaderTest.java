package dev.awdlm.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awdlm.io.Json;
import dev.awdlm.testing.TestFiles;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigLoaderTest {

  @Test
  void referenceDefaultsAreAwdLstmLmFlags() {
    AwdlmConfig c = ConfigLoader.load(null, List.of());
    assertEquals(400, c.model().emsize());
    assertEquals(1150, c.model().nhid());
    assertEquals(3, c.model().nlayers());
    assertEquals(0.4, c.model().dropout());
    assertEquals(0.3, c.model().dropouth());
    assertEquals(0.65, c.model().dropouti());
    assertEquals(0.1, c.model().dropoute());
    assertEquals(0.5, c.model().wdrop());
    assertTrue(c.model().tied());
    assertEquals(30, c.train().lr());
    assertEquals(0.25, c.train().clip());
    assertEquals(70, c.train().bptt());
    assertEquals(TrainConfig.Optimizer.SGD, c.train().optimizer());
    assertEquals("file:./runs", c.output().dir());
    assertEquals(64, c.hash().length());
  }

  @Test
  void overridesAreTypedByTheReferenceKey() {
    AwdlmConfig c = ConfigLoader.load(null, List.of(
        "model.emsize=32", "model.tied=false", "train.lr=0.5", "train.optimizer=adam", "train.when=3,5",
        "data.train=hdfs://nn:8020/a.txt,b.txt", "output.dir=hdfs://nn/runs"));
    assertEquals(32, c.model().emsize());
    assertFalse(c.model().tied());
    assertEquals(0.5, c.train().lr());
    assertEquals(TrainConfig.Optimizer.ADAM, c.train().optimizer());
    assertEquals(List.of(3, 5), c.train().when());
    // '//' is not a HOCON comment in a --set value
    assertEquals(List.of("hdfs://nn:8020/a.txt", "b.txt"), c.data().train());
    assertEquals("hdfs://nn/runs", c.output().dir());
  }

  @Test
  void fileThenOverridesInIncreasingPrecedence(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("my.conf");
    Files.writeString(file, "base = /corpora\nmodel { emsize = 64, nhid = 128 }\ndata.train = [${base}\"/train.txt\"]\n");
    AwdlmConfig c = ConfigLoader.load(file.toFile(), List.of("model.nhid=256"));
    assertEquals(64, c.model().emsize());
    assertEquals(256, c.model().nhid());
    assertEquals(List.of("/corpora/train.txt"), c.data().train());
  }

  @Test
  void laterOverridesOfAParsedConfigAreAsIfGivenLastAndTheFileIsNotReadAgain(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("my.conf");
    Files.writeString(file, "model { emsize = 64 }\ntrain { nonmono = ${train.epochs} }\n");
    ConfigLoader.Parsed parsed = ConfigLoader.parse(file.toFile(), List.of("train.epochs=7", "model.nhid=99"));
    Files.delete(file);
    AwdlmConfig more = parsed.with(List.of("train.epochs=3", "train.seed=5")).build();
    Files.writeString(file, "model { emsize = 64 }\ntrain { nonmono = ${train.epochs} }\n");
    AwdlmConfig once = ConfigLoader.load(file.toFile(), List.of("train.epochs=7", "model.nhid=99", "train.epochs=3", "train.seed=5"));
    assertEquals(once.json(), more.json());
    assertEquals(once.hash(), more.hash());
    assertEquals(3, more.train().epochs());
    assertEquals(3, more.train().nonmono(), "substitutions resolve after every override");
    assertEquals(64, more.model().emsize());
    assertEquals(7, parsed.build().train().epochs(), "the parsed config itself is unchanged");
  }

  @Test
  void hashChangesWithAnyValue() {
    String a = ConfigLoader.load(null, List.of()).hash();
    String b = ConfigLoader.load(null, List.of("train.seed=7")).hash();
    assertNotEquals(a, b);
    assertEquals(a, ConfigLoader.load(null, List.of()).hash());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "model.dropout=1.5     | model.dropout",
      "model.kind=gru        | model.kind",
      "retrain.epochs=0      | retrain.epochs",
      "retrain.minImprovement=1.5 | retrain.minImprovement",
      "retrain.leaseTtlSeconds=0 | retrain.leaseTtlSeconds",
      "model.dropout=-0.1    | model.dropout",
      "model.wdrop=1         | model.wdrop",
      "model.dropoute=1.0    | model.dropoute",
      "train.batchSize=0     | train.batchSize",
      "model.emsize=-4       | model.emsize",
      "model.nlayers=0       | model.nlayers",
      "train.bptt=0          | train.bptt",
      "train.lr=0            | train.lr",
      "train.clip=-1         | train.clip",
      "train.optimizer=rmsprop | train.optimizer",
      "train.epochs=many     | train.epochs",
      "train.when=0          | train.when",
      "train.lrScaling=sqrt  | train.lrScaling",
      "data.vocabSize=1      | data.vocabSize",
      "data.tokenizer=bpe    | data.tokenizer",
      "data.tokenizer=Word   | data.tokenizer",
      "data.eos=paragraph    | data.eos",
      "model.kind=AWD_LSTM   | model.kind",
      "train.repartition=sometimes | train.repartition",
      "model.hidden=3        | model.hidden",
      "output.dir=           | output.dir",
      "output.dir=hdfs:runs  | output.dir",
  })
  void invalidValuesNameTheKeyAndTheValue(String override, String key) {
    ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of(override)));
    assertEquals(key, e.key());
    assertTrue(e.getMessage().startsWith(key), e.getMessage());
    String value = override.substring(override.indexOf('=') + 1);
    if (!value.isEmpty() && !key.equals("model.hidden")) assertTrue(e.getMessage().contains(value), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "data.tokenizer=bpe         | whitespace, word, char",
      "data.eos=paragraph         | line, sentence",
      "model.kind=gru             | awd-lstm, lstm",
      "train.repartition=sometimes | auto, always, never",
  })
  void aChoiceOutsideItsValuesNamesEveryAllowedValue(String override, String allowed) {
    ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of(override)));
    assertTrue(e.getMessage().endsWith("must be one of " + allowed), e.getMessage());
  }

  @Test
  void choicesAreReadByTheirConfigSpelling() {
    AwdlmConfig c = ConfigLoader.load(null, List.of("data.tokenizer=char", "data.eos=sentence", "model.kind=lstm",
        "train.repartition=always"));
    assertEquals(DataConfig.TokenizerKind.CHAR, c.data().tokenizer());
    assertEquals(DataConfig.EosMode.SENTENCE, c.data().eos());
    assertEquals(ModelConfig.Kind.LSTM, c.model().kind());
    assertEquals(TrainConfig.Repartition.ALWAYS, c.train().repartition());
    AwdlmConfig defaults = ConfigLoader.load(null, List.of());
    assertEquals(DataConfig.TokenizerKind.WHITESPACE, defaults.data().tokenizer());
    assertEquals(DataConfig.EosMode.LINE, defaults.data().eos());
    assertEquals(ModelConfig.Kind.AWD_LSTM, defaults.model().kind());
    assertEquals(TrainConfig.Repartition.AUTO, defaults.train().repartition());
  }

  /** A model.json that awdlm wrote when these settings were strings still loads, and its JSON keeps their spelling. */
  @Test
  void aModelJsonWrittenBeforeTheEnumsLoads() {
    JsonNode saved = Json.tree(TestFiles.resource("saved/model-before-enums.json")).get("config");
    AwdlmConfig c = ConfigLoader.fromJson(saved.toString(), "model-before-enums.json");
    assertEquals(DataConfig.TokenizerKind.WORD, c.data().tokenizer());
    assertEquals(DataConfig.EosMode.SENTENCE, c.data().eos());
    assertEquals(ModelConfig.Kind.LSTM, c.model().kind());
    assertEquals(TrainConfig.Repartition.NEVER, c.train().repartition());
    JsonNode again = Json.tree(c.json());
    for (String key : new String[] {"data/tokenizer", "data/eos", "model/kind", "train/repartition"}) {
      assertEquals(saved.at("/" + key), again.at("/" + key), key);
    }
    assertEquals("\"awd-lstm\"", Json.tree(ConfigLoader.load(null, List.of()).json()).at("/model/kind").toString());
  }

  @Test
  void unknownKeyInFileIsRejected(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("typo.conf");
    Files.writeString(file, "train { epoch = 3 }\n");
    ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(file.toFile(), List.of()));
    assertEquals("train.epoch", e.key());
    assertTrue(e.getMessage().contains(file.toString()));
  }

  @Test
  void missingOrBrokenFileIsAConfigError(@TempDir Path dir) throws Exception {
    ConfigError missing = assertThrows(ConfigError.class, () -> ConfigLoader.load(new File(dir.toFile(), "nope.conf"), List.of()));
    assertTrue(missing.getMessage().contains("nope.conf"));
    Path broken = dir.resolve("broken.conf");
    Files.writeString(broken, "model { emsize = \n");
    ConfigError parse = assertThrows(ConfigError.class, () -> ConfigLoader.load(broken.toFile(), List.of()));
    assertTrue(parse.getMessage().contains("broken.conf"));
  }

  @Test
  void malformedOverride() {
    ConfigError e = assertThrows(ConfigError.class, () -> ConfigLoader.load(null, List.of("model.emsize")));
    assertEquals("--set", e.key());
  }

  @Test
  void requireSplitsNamesTheMissingSplit() {
    AwdlmConfig c = ConfigLoader.load(null, List.of("data.train=a.txt", "data.valid=b.txt"));
    ConfigError e = assertThrows(ConfigError.class, () -> c.data().requireSplits());
    assertEquals("data.test", e.key());
  }
}
