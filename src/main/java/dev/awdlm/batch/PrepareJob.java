package dev.awdlm.batch;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.CorpusReader;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.corpus.VocabularyBuilder;
import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunClaim;
import dev.awdlm.io.RunLayout;
import dev.awdlm.io.SerializableHadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The prepare stage: read the three splits, count the vocabulary on train, encode every split and
 * export DataSet files. The run id is claimed first ({@link RunClaim}), so two prepares with one id
 * never write together. Everything is written to a staging directory of this attempt that is
 * renamed to the run directory only when complete, so a failed prepare leaves nothing that looks
 * finished.
 */
public final class PrepareJob {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);
  public static final List<String> SPLITS = List.of("train", "valid", "test");
  /** Above this fraction of invalid UTF-8 bytes a file is rejected; below it they are replaced. */
  static final double MAX_INVALID_FRACTION = 0.01;

  private PrepareJob() {}

  public static PrepareStats run(AwdlmConfig config, JavaSparkContext sc, RunLayout layout) {
    return run(config, sc, layout, null);
  }

  /**
   * @param vocabulary encode with this vocabulary (a champion's, for retraining) instead of
   *     counting one on train; null to count
   */
  public static PrepareStats run(AwdlmConfig config, JavaSparkContext sc, RunLayout layout, Vocabulary vocabulary) {
    Configuration conf = sc.hadoopConfiguration();
    try (RunClaim claim = RunClaim.take(layout, conf)) {
      if (HadoopFs.exists(layout.runDir(), conf)) {
        throw new ConfigError("--run-id", layout.runId(), "already exists at " + layout.runDir() + "; choose another run id");
      }
      // Holding the claim, no live attempt owns a staging directory of this id: any is a crash's leftover.
      HadoopFs.deleteMatching(layout.stagingGlob("prepare"), conf);
      RunLayout staged = layout.staging("prepare");
      Path staging = staged.runDir();
      try {
        PrepareStats stats = prepareInto(config, sc, staged, vocabulary);
        HadoopFs.publishDirectory(staging, layout.runDir(), conf);
        return stats;
      } catch (Throwable e) { // a failed Spark job is a checked SparkException, a full local disk an FSError
        HadoopFs.deleteRecursively(staging, conf);
        ConfigError input = ConfigError.within(e); // bad input found by a task arrives wrapped by Spark
        if (input != null) throw input;
        throw e;
      }
    }
  }

  private static PrepareStats prepareInto(AwdlmConfig config, JavaSparkContext sc, RunLayout out, Vocabulary given) {
    Configuration conf = sc.hadoopConfiguration();
    Map<String, Double> stageSeconds = new LinkedHashMap<>();
    Tokenizer tokenizer = Tokenizer.of(config.data());
    Map<String, List<Path>> inputs = new LinkedHashMap<>();
    for (String split : SPLITS) inputs.put(split, HadoopFs.expandInputs("data." + split, config.data().paths(split), conf));
    CorpusReader reader = new CorpusReader(sc);
    int partitions = config.data().partitions() > 0 ? config.data().partitions() : sc.defaultParallelism();

    long t0 = System.nanoTime();
    sc.setJobDescription("prepare: count vocabulary (train)");
    CorpusReader.Corpus train = reader.read("data.train", inputs.get("train"), partitions);
    // Tokenizing is most of prepare's work: counting keeps train's tokens as partition-local ids,
    // so encoding train does not tokenize it again. A given vocabulary has no count pass to share.
    JavaRDD<TokenizedChunk> trainTokens = given != null ? null : tokenize(train, tokenizer);
    try {
      Vocabulary vocab = given != null ? given : new VocabularyBuilder(config.data().vocabSize(), config.data().minCount())
          .fromCounts(trainTokens.mapPartitionsToPair(TokenChunks::counts));
      HadoopFs.writeAtomically(out.vocab(), conf, vocab.toTsv());
      stageSeconds.put("vocabulary", seconds(t0));
      LOG.info("prepare: vocabulary: {} tokens {} in {} s", vocab.size(),
          given != null ? "given (not counted)" : "from " + inputs.get("train").size() + " train file(s)",
          String.format("%.1f", stageSeconds.get("vocabulary")));

      Broadcast<Vocabulary> vocabB = sc.broadcast(vocab);
      Broadcast<SerializableHadoopConf> confB = sc.broadcast(new SerializableHadoopConf(conf));
      Map<String, PrepareStats.SplitStats> splits = new LinkedHashMap<>();
      for (String split : SPLITS) {
        long t = System.nanoTime();
        sc.setJobDescription("prepare: encode and export " + split);
        boolean isTrain = split.equals("train");
        CorpusReader.Corpus corpus = isTrain ? train : reader.read("data." + split, inputs.get(split), partitions);
        JavaRDD<EncodedChunk> encoded = isTrain && trainTokens != null ? translate(trainTokens, vocabB) : encode(corpus, vocabB, tokenizer);
        try {
          int rows = streams(config, split);
          splits.put(split, exportSplit(config, "data." + split, split, rows, corpus, encoded, vocab, out.batches(split), confB, conf));
        } finally {
          encoded.unpersist(false);
          if (isTrain && trainTokens != null) trainTokens.unpersist(false); // before valid and test are cached
        }
        stageSeconds.put(split, seconds(t));
        PrepareStats.SplitStats s = splits.get(split);
        LOG.info("prepare: {}: {} lines, {} tokens, OOV {}%, {} invalid bytes, {} DataSet files in {} s", split, s.lines(),
            s.tokens(), String.format("%.2f", 100 * s.oovRate()), s.invalidBytes(), s.dataSetFiles(),
            String.format("%.1f", stageSeconds.get(split)));
      }
      sc.setJobDescription(null);
      PrepareStats stats = new PrepareStats(config.data().tokenizer().configValue(), splits, vocab.size(), stageSeconds);
      HadoopFs.writeAtomically(out.prepareStats(), conf, Json.pretty(stats));
      return stats;
    } finally {
      if (trainTokens != null) trainTokens.unpersist(false);
    }
  }

  /**
   * Encodes text that was not part of a prepared run (new text for {@code evaluate}, a new snapshot
   * for {@code retrain}) with an existing vocabulary and the tokenizer of {@code config}, and
   * exports it as an eval split of {@code rows} streams into {@code dir}.
   *
   * @param key the option the inputs came from, named in errors
   */
  public static PrepareStats.SplitStats exportEval(AwdlmConfig config, Vocabulary vocab, String key, List<String> inputs,
      int rows, Path dir, JavaSparkContext sc) {
    Configuration conf = sc.hadoopConfiguration();
    Tokenizer tokenizer = Tokenizer.of(config.data());
    List<Path> files = HadoopFs.expandInputs(key, inputs, conf);
    int partitions = config.data().partitions() > 0 ? config.data().partitions() : sc.defaultParallelism();
    CorpusReader.Corpus corpus = new CorpusReader(sc).read(key, files, partitions);
    Broadcast<Vocabulary> vocabB = sc.broadcast(vocab);
    Broadcast<SerializableHadoopConf> confB = sc.broadcast(new SerializableHadoopConf(conf));
    JavaRDD<EncodedChunk> encoded = encode(corpus, vocabB, tokenizer);
    try {
      HadoopFs.mkdirs(dir, conf);
      return exportSplit(config, key, "eval", rows, corpus, encoded, vocab, dir, confB, conf);
    } finally {
      encoded.unpersist(false);
    }
  }

  /**
   * Parallel streams a split is exported as: the training batch, awd-lstm-lm's validation batch,
   * and its test batch (1 by default, so the test figure is one pass over the text).
   */
  static int streams(AwdlmConfig config, String split) {
    return switch (split) {
      case "train" -> config.train().batchSize();
      case "test" -> config.eval().testBatchSize();
      default -> config.train().evalBatchSize();
    };
  }

  /**
   * The corpus's lines as vocabulary ids, kept: the export reads them twice (sizes, then tokens).
   * Kept as objects, not serialized: Kryo's per-line write, read and reset cost more than the
   * memory (bench prepare, 40 MB, local[1]: 5.3 -> 7.2-7.8 MB/s); what does not fit spills to disk.
   */
  private static JavaRDD<EncodedChunk> encode(CorpusReader.Corpus corpus, Broadcast<Vocabulary> vocab, Tokenizer tokenizer) {
    return corpus.lines()
        .mapPartitions(lines -> TokenChunks.encode(lines, tokenizer, vocab.value(), TokenChunks.CHUNK_TOKENS), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Train's lines as partition-local ids, kept (as objects, like {@link #encode}'s) for the count
   * pass and for both passes of the export.
   */
  private static JavaRDD<TokenizedChunk> tokenize(CorpusReader.Corpus corpus, Tokenizer tokenizer) {
    return corpus.lines()
        .mapPartitions(lines -> TokenChunks.tokenize(lines, tokenizer, TokenChunks.CHUNK_TOKENS), true)
        .persist(StorageLevel.MEMORY_AND_DISK());
  }

  /**
   * Train's kept local ids as vocabulary ids. Not kept itself: the export's two passes each
   * translate again, one array read per token, which costs less than caching train a second time.
   */
  private static JavaRDD<EncodedChunk> translate(JavaRDD<TokenizedChunk> tokens, Broadcast<Vocabulary> vocab) {
    return tokens.mapPartitions(chunks -> TokenChunks.translate(chunks, vocab.value()), true);
  }

  private static PrepareStats.SplitStats exportSplit(AwdlmConfig config, String key, String split, int rows,
      CorpusReader.Corpus corpus, JavaRDD<EncodedChunk> encoded, Vocabulary vocab, Path dir, Broadcast<SerializableHadoopConf> confB,
      Configuration conf) {
    int unkId = vocab.unkId();
    int eosId = vocab.id(Vocabulary.EOS);
    // One pass for per-partition sizes: they give every token its global stream position.
    List<long[]> perPartition = encoded.mapPartitions(chunks -> {
      long lineCount = 0, tokenCount = 0, oov = 0, invalid = 0, text = 0, words = 0;
      while (chunks.hasNext()) {
        EncodedChunk chunk = chunks.next();
        lineCount += chunk.lines();
        tokenCount += chunk.ids().length;
        invalid += chunk.invalidBytes();
        text += chunk.bytes() + chunk.lines(); // and a line terminator each
        for (int id : chunk.ids()) {
          if (id == unkId) oov++;
          if (id != eosId) words++;
        }
      }
      return List.of(new long[] {lineCount, tokenCount, oov, invalid, text, words}).iterator();
    }).collect();
    long[] starts = new long[perPartition.size()];
    long[][] perFile = new long[corpus.files().size()][3]; // lines, invalid bytes, text bytes
    long lines = 0, tokens = 0, oov = 0, invalid = 0, words = 0;
    for (int p = 0; p < starts.length; p++) {
      long[] s = perPartition.get(p);
      starts[p] = tokens;
      lines += s[0];
      tokens += s[1];
      oov += s[2];
      invalid += s[3];
      words += s[5];
      perFile[corpus.fileOf(p)][0] += s[0];
      perFile[corpus.fileOf(p)][1] += s[3];
      perFile[corpus.fileOf(p)][2] += s[4];
    }
    List<PrepareStats.InputFile> inputFiles = checkFiles(key, corpus.files(), perFile, conf);
    String where = String.join(",", corpus.files().stream().map(Path::toString).toList());
    int bptt = config.train().bptt();
    if (tokens == 0) throw new ConfigError(key, where, "the " + split + " split is empty (no tokens)");
    if (words == 0) {
      throw new ConfigError(key, where, "the " + split + " split has no words: its " + tokens
          + " tokens are all end-of-line markers (the files hold only blank or whitespace lines)");
    }
    if (tokens < 2L * bptt) {
      throw new ConfigError(key, where, "the " + split + " split has " + tokens + " tokens; it needs at least 2*bptt = " + 2L * bptt);
    }
    int length = config.data().windowsPerShard() * bptt;
    StreamLayout layout = split.equals("train") ? StreamLayout.train(tokens, rows, length) : StreamLayout.eval(tokens, rows, length);
    if (layout.files() == 0) {
      throw new ConfigError(key, where, "the " + split + " split has " + tokens + " tokens, too few for one DataSet of "
          + layout.rows() + " streams x " + length + " steps; lower train.batchSize/train.evalBatchSize or data.windowsPerShard");
    }
    HadoopFs.mkdirs(dir, conf);
    StreamExporter.export(encoded.map(EncodedChunk::ids), starts, layout, dir, confB);
    long bytes = inputFiles.stream().mapToLong(PrepareStats.InputFile::bytes).sum();
    return new PrepareStats.SplitStats(inputFiles, bytes, lines, tokens, oov, (double) oov / tokens, invalid,
        layout.rows(), layout.files(), layout.predictedTokens());
  }

  /**
   * Fails on a file that is mostly not UTF-8 (a binary file put among the text, typically) and
   * warns about one with a few bad bytes, which were replaced.
   */
  private static List<PrepareStats.InputFile> checkFiles(String key, List<Path> files, long[][] perFile, Configuration conf) {
    List<PrepareStats.InputFile> out = new ArrayList<>(files.size());
    for (int f = 0; f < files.size(); f++) {
      Path file = files.get(f);
      long invalid = perFile[f][1];
      long text = perFile[f][2]; // decompressed: the size on disk of a .gz would overstate the share
      if (invalid > 0) {
        double fraction = text > 0 ? (double) invalid / text : 1;
        if (fraction > MAX_INVALID_FRACTION) {
          throw new ConfigError(key, file.toString(), String.format(
              "%d of its %d bytes of text (%.1f%%) are not valid UTF-8; more than %.0f%% means it is not a text file"
                  + " (binary or another encoding)", invalid, text, 100 * fraction, 100 * MAX_INVALID_FRACTION));
        }
        LOG.warn("prepare: {}: {} bytes that are not valid UTF-8 were replaced with U+FFFD", file, invalid);
      }
      out.add(new PrepareStats.InputFile(file.toString(), fileSize(file, conf), perFile[f][0], invalid));
    }
    return out;
  }

  private static long fileSize(Path f, Configuration conf) {
    try {
      return HadoopFiles.length(f, conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot stat " + f, e);
    }
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Reads a finished run's prepare.json. */
  public static PrepareStats readStats(RunLayout layout, Configuration conf) {
    Path p = layout.prepareStats();
    if (!HadoopFs.exists(p, conf)) {
      throw new ConfigError("--run-id", layout.runId(), "has no finished prepare (" + p + " is missing); run prepare first");
    }
    return Json.read(p, PrepareStats.class, conf);
  }
}
