package dev.awdlm.config;

import java.util.List;

/**
 * Where the corpus is and how it becomes tokens.
 *
 * @param train files, directories or globs on any Hadoop filesystem; the vocabulary comes from these only
 * @param valid held-out split for model selection
 * @param test held-out split for the final figure
 * @param tokenizer {@code whitespace}, {@code word} or {@code char}
 * @param vocabSize keep the most frequent K tokens (0 = no limit)
 * @param minCount drop tokens seen fewer times than this in train
 * @param windowsPerShard BPTT windows per exported train DataSet; hidden state carries across them
 * @param lowercase word and char tokenizers: lowercase every token
 * @param replaceNumbers word tokenizer: numbers (7, 1990, 3.14, 1,000) become {@code N}
 * @param eos word tokenizer: {@code line} or {@code sentence}, where {@code <eos>} goes
 * @param partitions minimum input partitions per split (0 = Spark's default parallelism)
 */
public record DataConfig(
    List<String> train,
    List<String> valid,
    List<String> test,
    TokenizerKind tokenizer,
    int vocabSize,
    int minCount,
    int windowsPerShard,
    boolean lowercase,
    boolean replaceNumbers,
    EosMode eos,
    int partitions) {

  /** {@code data.tokenizer}: the {@code corpus} tokenizer that cuts a line into tokens. */
  public enum TokenizerKind implements ConfigEnum {
    WHITESPACE,
    WORD,
    CHAR
  }

  /** {@code data.eos}: where the word tokenizer puts {@code <eos>}. */
  public enum EosMode implements ConfigEnum {
    LINE,
    SENTENCE
  }

  public DataConfig {
    train = paths("data.train", train);
    valid = paths("data.valid", valid);
    test = paths("data.test", test);
    ConfigEnum.require("data.tokenizer", tokenizer, TokenizerKind.class);
    Check.nonNegative("data.vocabSize", vocabSize);
    if (vocabSize == 1) throw new ConfigError("data.vocabSize", vocabSize, "must be 0 (no limit) or >= 2 (<unk> and <eos> are always kept)");
    Check.positive("data.minCount", minCount);
    Check.positive("data.windowsPerShard", windowsPerShard);
    ConfigEnum.require("data.eos", eos, EosMode.class);
    Check.nonNegative("data.partitions", partitions);
  }

  /** The paths of split {@code train}, {@code valid} or {@code test}. */
  public List<String> paths(String split) {
    return switch (split) {
      case "train" -> train;
      case "valid" -> valid;
      case "test" -> test;
      default -> throw new IllegalArgumentException("no split " + split);
    };
  }

  /** Commands that read the corpus call this; commands that work on a prepared run do not need paths. */
  public DataConfig requireSplits() {
    require("data.train", train);
    require("data.valid", valid);
    require("data.test", test);
    return this;
  }

  private static void require(String key, List<String> paths) {
    if (paths.isEmpty()) throw new ConfigError(key, "no path given (set it in --config or with --set " + key + "=PATH)");
  }

  private static List<String> paths(String key, List<String> paths) {
    for (String p : paths) Check.nonBlank(key, p);
    return List.copyOf(paths);
  }
}
