package dev.awdlm.batch;

import dev.awdlm.io.Json;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.CorpusReader;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.corpus.VocabularyBuilder;
import dev.awdlm.io.HadoopFs;
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
 * export DataSet files. Everything is written to a staging directory that is renamed to the run
 * directory only when complete, so a failed prepare leaves nothing that looks finished.
 */
public final class PrepareJob {
  private static final Logger LOG = LoggerFactory.getLogger(PrepareJob.class);
  public static final List<String> SPLITS = List.of("train", "valid", "test");

  private PrepareJob() {}

  public static PrepareStats run(AwdlmConfig config, JavaSparkContext sc, RunLayout layout) {
    Configuration conf = sc.hadoopConfiguration();
    if (HadoopFs.exists(layout.runDir(), conf)) {
      throw new ConfigError("--run-id", layout.runId(), "already exists at " + layout.runDir() + "; choose another run id");
    }
    RunLayout staged = layout.staging("prepare");
    Path staging = staged.runDir();
    HadoopFs.deleteRecursively(staging, conf); // leftover of a crashed attempt with this run id
    try {
      PrepareStats stats = prepareInto(config, sc, staged);
      HadoopFs.publishDirectory(staging, layout.runDir(), conf);
      return stats;
    } catch (RuntimeException e) {
      HadoopFs.deleteRecursively(staging, conf);
      throw e;
    }
  }

  private static PrepareStats prepareInto(AwdlmConfig config, JavaSparkContext sc, RunLayout out) {
    Configuration conf = sc.hadoopConfiguration();
    Map<String, Double> stageSeconds = new LinkedHashMap<>();
    Tokenizer tokenizer = Tokenizer.forName(config.data().tokenizer());
    Map<String, List<Path>> inputs = new LinkedHashMap<>();
    inputs.put("train", HadoopFs.expandInputs("data.train", config.data().train(), conf));
    inputs.put("valid", HadoopFs.expandInputs("data.valid", config.data().valid(), conf));
    inputs.put("test", HadoopFs.expandInputs("data.test", config.data().test(), conf));
    CorpusReader reader = new CorpusReader(sc);
    int parallelism = sc.defaultParallelism();

    long t0 = System.nanoTime();
    sc.setJobDescription("prepare: count vocabulary (train)");
    JavaRDD<String> trainLines = reader.lines(inputs.get("train"), parallelism);
    Vocabulary vocab = new VocabularyBuilder(config.data().vocabSize(), config.data().minCount())
        .build(trainLines.flatMap(line -> tokenizer.tokenize(line).iterator()));
    HadoopFs.writeAtomically(out.vocab(), conf, vocab.toTsv());
    stageSeconds.put("vocabulary", seconds(t0));
    LOG.info("prepare: vocabulary of {} tokens from {} train file(s) in {} s", vocab.size(), inputs.get("train").size(),
        String.format("%.1f", stageSeconds.get("vocabulary")));

    Broadcast<Vocabulary> vocabB = sc.broadcast(vocab);
    Broadcast<SerializableHadoopConf> confB = sc.broadcast(new SerializableHadoopConf(conf));
    Map<String, PrepareStats.SplitStats> splits = new LinkedHashMap<>();
    for (String split : SPLITS) {
      long t = System.nanoTime();
      sc.setJobDescription("prepare: encode and export " + split);
      JavaRDD<int[]> encoded = (split.equals("train") ? trainLines : reader.lines(inputs.get(split), parallelism))
          .map(line -> encode(tokenizer.tokenize(line), vocabB.value()))
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        splits.put(split, exportSplit(config, split, inputs.get(split), encoded, vocab.unkId(), out, confB, conf));
      } finally {
        encoded.unpersist(false);
      }
      stageSeconds.put(split, seconds(t));
      PrepareStats.SplitStats s = splits.get(split);
      LOG.info("prepare: {} {} lines, {} tokens, OOV {}%, {} DataSet files in {} s", split, s.lines(), s.tokens(),
          String.format("%.2f", 100 * s.oovRate()), s.dataSetFiles(), String.format("%.1f", stageSeconds.get(split)));
    }
    sc.setJobDescription(null);
    PrepareStats stats = new PrepareStats(config.data().tokenizer(), splits, vocab.size(), stageSeconds);
    HadoopFs.writeAtomically(out.prepareStats(), conf, Json.pretty(stats));
    return stats;
  }

  private static PrepareStats.SplitStats exportSplit(AwdlmConfig config, String split, List<Path> files,
      JavaRDD<int[]> encoded, int unkId, RunLayout out, Broadcast<SerializableHadoopConf> confB, Configuration conf) {
    // One pass for per-partition sizes: they give every token its global stream position.
    List<long[]> perPartition = encoded.mapPartitions(lines -> {
      long lineCount = 0, tokenCount = 0, oov = 0;
      while (lines.hasNext()) {
        int[] ids = lines.next();
        lineCount++;
        tokenCount += ids.length;
        for (int id : ids) if (id == unkId) oov++;
      }
      return List.of(new long[] {lineCount, tokenCount, oov}).iterator();
    }).collect();
    long[] starts = new long[perPartition.size()];
    long lines = 0, tokens = 0, oov = 0;
    for (int p = 0; p < starts.length; p++) {
      starts[p] = tokens;
      lines += perPartition.get(p)[0];
      tokens += perPartition.get(p)[1];
      oov += perPartition.get(p)[2];
    }
    int bptt = config.train().bptt();
    if (tokens < 2L * bptt) {
      throw new ConfigError("data." + split, String.join(",", files.stream().map(Path::toString).toList()),
          "has " + tokens + " tokens; the " + split + " split needs at least 2*bptt = " + 2L * bptt);
    }
    int length = config.data().windowsPerShard() * bptt;
    StreamLayout layout = split.equals("train")
        ? StreamLayout.train(tokens, config.train().batchSize(), length)
        : StreamLayout.eval(tokens, config.train().evalBatchSize(), length);
    if (layout.files() == 0) {
      throw new ConfigError("data." + split, String.join(",", files.stream().map(Path::toString).toList()),
          "has " + tokens + " tokens, too few for one DataSet of " + layout.rows() + " streams x " + length
              + " steps; lower train.batchSize/train.evalBatchSize or data.windowsPerShard");
    }
    Path dir = out.batches(split);
    HadoopFs.mkdirs(dir, conf);
    StreamExporter.export(encoded, starts, layout, dir, confB);

    List<PrepareStats.InputFile> inputFiles = new ArrayList<>();
    long bytes = 0;
    for (Path f : files) {
      long size = fileSize(f, conf);
      inputFiles.add(new PrepareStats.InputFile(f.toString(), size));
      bytes += size;
    }
    return new PrepareStats.SplitStats(inputFiles, bytes, lines, tokens, oov, (double) oov / tokens,
        layout.rows(), layout.files(), layout.predictedTokens());
  }

  static int[] encode(List<String> tokens, Vocabulary vocab) {
    int[] ids = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) ids[i] = vocab.id(tokens.get(i));
    return ids;
  }

  private static long fileSize(Path f, Configuration conf) {
    try {
      return HadoopFs.fs(f, conf).getFileStatus(f).getLen();
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
