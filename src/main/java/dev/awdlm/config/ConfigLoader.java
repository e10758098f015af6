package dev.awdlm.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds an {@link AwdlmConfig} from {@code reference.conf}, an optional HOCON file and
 * {@code --set KEY=VALUE} overrides, in increasing precedence. Any problem is a {@link ConfigError}.
 */
public final class ConfigLoader {
  /** The sections that belong to awdlm; a file may hold other helper keys (e.g. for substitutions). */
  static final Set<String> SECTIONS = Set.of("data", "model", "train", "output", "retrain", "score", "eval", "finetune");
  /**
   * The sections of a run's configuration JSON and hash. {@code score} tunes how a finished model is
   * used, not the run, so it stays out: runs started before it existed keep their hash and resume.
   */
  static final Set<String> RUN_SECTIONS = Set.of("data", "model", "train", "output", "retrain");

  private ConfigLoader() {}

  /**
   * @param file HOCON file, or null for defaults only
   * @param overrides {@code KEY=VALUE} strings; the value is typed by the key's type in reference.conf
   */
  public static AwdlmConfig load(File file, List<String> overrides) {
    return parse(file, overrides).build();
  }

  /** Reads {@code file} and {@code overrides} once, for a caller that adds overrides later ({@link Parsed#with}). */
  public static Parsed parse(File file, List<String> overrides) {
    Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
    Config user = ConfigFactory.empty();
    if (file != null) {
      if (!file.isFile()) throw new ConfigError("--config", "file not found: " + file);
      try {
        user = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false));
      } catch (ConfigException e) {
        throw new ConfigError("--config", "cannot parse " + file + ": " + e.getMessage());
      }
      rejectUnknownKeys(user, reference, file.toString());
    }
    return new Parsed(reference, parseOverrides(overrides, reference).withFallback(user));
  }

  /**
   * reference.conf, a file and overrides, read and merged but not yet resolved, so that more
   * overrides resolve exactly as if they had been given last on the command line.
   */
  public static final class Parsed {
    private final Config reference;
    private final Config given;

    private Parsed(Config reference, Config given) {
      this.reference = reference;
      this.given = given;
    }

    /** These overrides on top of the earlier ones: a key set again takes the later value. */
    public Parsed with(List<String> overrides) {
      return new Parsed(reference, parseOverrides(overrides, reference).withFallback(given));
    }

    /** Resolves substitutions and validates every value. */
    public AwdlmConfig build() {
      Config merged;
      try {
        merged = given.withFallback(reference).resolve();
      } catch (ConfigException e) {
        throw new ConfigError("config", e.getMessage());
      }
      return ConfigLoader.build(merged);
    }
  }

  /**
   * The configuration a run saved with its model ({@link AwdlmConfig#json()}), so a model can be
   * evaluated or warm-started with the tokenizer and sizes it was trained with.
   *
   * @param source the file the JSON came from, named in errors
   */
  public static AwdlmConfig fromJson(String json, String source) {
    Config reference = ConfigFactory.parseResources(ConfigLoader.class.getClassLoader(), "reference.conf");
    try {
      Config saved = ConfigFactory.parseString(json, ConfigParseOptions.defaults().setOriginDescription(source));
      rejectUnknownKeys(saved, reference, source);
      return build(saved.withFallback(reference).resolve());
    } catch (ConfigException e) {
      throw new ConfigError("config", source, "is not a valid saved configuration: " + e.getMessage());
    }
  }

  static Config parseOverrides(List<String> overrides, Config reference) {
    Config result = ConfigFactory.empty();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) throw new ConfigError("--set", override, "expected KEY=VALUE");
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1).trim();
      if (!isKnown(key, reference)) throw new ConfigError(key, "unknown config key (see src/main/resources/reference.conf)");
      result = result.withValue(key, typed(key, value, reference.getValue(key).valueType()));
    }
    return result;
  }

  /** Values are taken literally (so {@code hdfs://nn/x} is not a HOCON comment); lists split on commas. */
  private static ConfigValue typed(String key, String value, ConfigValueType type) {
    if (type == ConfigValueType.LIST) {
      if (value.startsWith("[")) {
        try {
          return ConfigFactory.parseString("v=" + value).getValue("v");
        } catch (ConfigException e) {
          throw new ConfigError(key, value, "not a valid list: " + e.getMessage());
        }
      }
      List<String> items = new ArrayList<>();
      for (String item : value.split(",")) {
        if (!item.isBlank()) items.add(item.trim());
      }
      return ConfigValueFactory.fromIterable(items);
    }
    return ConfigValueFactory.fromAnyRef(value);
  }

  private static boolean isKnown(String key, Config reference) {
    try {
      return SECTIONS.contains(key.split("\\.", 2)[0]) && reference.hasPath(key)
          && reference.getValue(key).valueType() != ConfigValueType.OBJECT;
    } catch (ConfigException.BadPath e) {
      return false;
    }
  }

  private static void rejectUnknownKeys(Config user, Config reference, String source) {
    for (Map.Entry<String, ConfigValue> e : user.entrySet()) {
      String key = e.getKey();
      if (SECTIONS.contains(key.split("\\.", 2)[0]) && !isKnown(key, reference)) {
        throw new ConfigError(key, "unknown config key in " + source + " (see src/main/resources/reference.conf)");
      }
    }
  }

  private static AwdlmConfig build(Config c) {
    DataConfig data = new DataConfig(
        strings(c, "data.train"), strings(c, "data.valid"), strings(c, "data.test"),
        choice(c, "data.tokenizer", DataConfig.TokenizerKind.class), get(c, "data.vocabSize", c::getInt),
        get(c, "data.minCount", c::getInt), get(c, "data.windowsPerShard", c::getInt),
        get(c, "data.lowercase", c::getBoolean), get(c, "data.replaceNumbers", c::getBoolean),
        choice(c, "data.eos", DataConfig.EosMode.class), get(c, "data.partitions", c::getInt));
    ModelConfig model = new ModelConfig(
        get(c, "model.emsize", c::getInt), get(c, "model.nhid", c::getInt), get(c, "model.nlayers", c::getInt),
        get(c, "model.dropout", c::getDouble), get(c, "model.dropouth", c::getDouble),
        get(c, "model.dropouti", c::getDouble), get(c, "model.dropoute", c::getDouble),
        get(c, "model.wdrop", c::getDouble), get(c, "model.tied", c::getBoolean),
        choice(c, "model.kind", ModelConfig.Kind.class));
    TrainConfig train = new TrainConfig(
        get(c, "train.lr", c::getDouble), get(c, "train.clip", c::getDouble), get(c, "train.epochs", c::getInt),
        get(c, "train.batchSize", c::getInt), get(c, "train.evalBatchSize", c::getInt),
        get(c, "train.bptt", c::getInt), get(c, "train.alpha", c::getDouble), get(c, "train.beta", c::getDouble),
        get(c, "train.wdecay", c::getDouble), get(c, "train.seed", c::getLong),
        TrainConfig.Optimizer.parse(get(c, "train.optimizer", c::getString)),
        get(c, "train.nonmono", c::getInt), get(c, "train.when", c::getIntList),
        get(c, "train.workers", c::getInt), get(c, "train.averagingFrequency", c::getInt),
        get(c, "train.prefetch", c::getInt), choice(c, "train.repartition", TrainConfig.Repartition.class),
        get(c, "train.collectStats", c::getBoolean), TrainConfig.LrScaling.parse(get(c, "train.lrScaling", c::getString)),
        get(c, "train.variableBptt", c::getBoolean));
    OutputConfig output = new OutputConfig(get(c, "output.dir", c::getString));
    RetrainConfig retrain = new RetrainConfig(get(c, "retrain.epochs", c::getInt),
        get(c, "retrain.minImprovement", c::getDouble), get(c, "retrain.leaseTtlSeconds", c::getInt));
    ScoreConfig score = new ScoreConfig(get(c, "score.maxTokens", c::getInt), get(c, "score.batchSize", c::getInt),
        get(c, "score.partitions", c::getInt));

    EvalConfig eval = new EvalConfig(get(c, "eval.testBatchSize", c::getInt), get(c, "eval.warmupTokens", c::getInt),
        new EvalConfig.Pointer(get(c, "eval.pointer.enabled", c::getBoolean), get(c, "eval.pointer.window", c::getInt),
            get(c, "eval.pointer.theta", c::getDouble), get(c, "eval.pointer.lambda", c::getDouble),
            get(c, "eval.pointer.thetaGrid", c::getDoubleList), get(c, "eval.pointer.lambdaGrid", c::getDoubleList)));

    FinetuneConfig finetune = new FinetuneConfig(get(c, "finetune.epochs", c::getInt));

    Config own = ConfigFactory.empty();
    for (String section : RUN_SECTIONS.stream().sorted().toList()) own = own.withValue(section, c.getValue(section));
    String json = own.root().render(ConfigRenderOptions.concise());
    return new AwdlmConfig(data, model, train, output, retrain, score, eval, finetune, json, sha256(json));
  }

  private static <E extends Enum<E> & ConfigEnum> E choice(Config c, String key, Class<E> type) {
    return ConfigEnum.parse(key, get(c, key, c::getString), type);
  }

  /** A path list may also be written as one string. */
  private static List<String> strings(Config c, String key) {
    if (c.getValue(key).valueType() == ConfigValueType.STRING) return List.of(c.getString(key));
    return get(c, key, c::getStringList);
  }

  private interface Getter<T> {
    T get(String key);
  }

  private static <T> T get(Config c, String key, Getter<T> getter) {
    try {
      return getter.get(key);
    } catch (ConfigException.WrongType e) {
      Object raw = c.hasPath(key) ? c.getValue(key).unwrapped() : null;
      throw new ConfigError(key, raw, "wrong type: " + e.getMessage().replaceFirst("^.*?: ", ""));
    } catch (ConfigException.Missing e) {
      throw new ConfigError(key, "missing");
    }
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
