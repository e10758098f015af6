package dev.awdlm.bench;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.corpus.CorpusReader;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Utf8;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.corpus.VocabularyBuilder;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.spark.SparkSessions;
import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench prepare}: the work of prepare that scales with the corpus (read and decode,
 * tokenize, count the vocabulary, then tokenize again and encode, as prepare's export pass does),
 * without writing DataSets, in {@code local[N]} Spark for each N compared. The figures are input
 * bytes and tokens per second of wall time.
 */
public final class PrepareBench {
  public static final double TARGET_MB_PER_CORE = 10;
  public static final double TARGET_SPEEDUP = 1.7;

  private PrepareBench() {}

  /**
   * @param corpus the local text file to measure; null: the first {@code data.train} path
   * @param generatedMb size of the generated corpus in MB; 0 measures the corpus alone
   * @param work where the generated corpus is kept; null: {@code <java.io.tmpdir>/awdlm-bench}
   * @param cores the {@code local[N]} masters to compare, the speed-up taken from the first to the last
   * @param repeats timed passes per corpus and master, of which the median counts
   * @param tokenizer {@code data.tokenizer} for the measurement
   */
  public record Options(Path corpus, int generatedMb, Path work, List<Integer> cores, int repeats, String tokenizer) {
    public Options {
      if (corpus != null && !Files.isRegularFile(corpus)) throw new ConfigError("--corpus", corpus.toString(), "is not a file");
      if (generatedMb < 0) throw new ConfigError("--generated-mb", generatedMb, "must be >= 0");
      cores = List.copyOf(cores);
      if (cores.isEmpty()) throw new ConfigError("--cores", "name at least one local[N] master");
      for (int n : cores) if (n < 1) throw new ConfigError("--cores", n, "must be >= 1");
      if (repeats < 1) throw new ConfigError("--repeats", repeats, "must be >= 1");
    }
  }

  /**
   * Measures every corpus on every master, prints a line per measurement, and publishes
   * {@code <output.dir>/bench/prepare.json}. The targets are judged on the largest corpus measured.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}; {@code data.tokenizer} comes from the options
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    List<String> all = new ArrayList<>(overrides);
    all.add("data.tokenizer=" + options.tokenizer());
    AwdlmConfig c = ConfigLoader.load(config, all);
    Path source = options.corpus() != null ? options.corpus() : firstTrainFile(c);
    Tokenizer tok = Tokenizer.of(c.data());
    List<String> names = new ArrayList<>(List.of("corpus"));
    List<Path> files = new ArrayList<>(List.of(source));
    if (options.generatedMb() > 0) {
      Path dir = options.work() != null ? options.work() : Path.of(System.getProperty("java.io.tmpdir"), "awdlm-bench");
      out.printf("generating a %d MB corpus from %s in %s ...%n", options.generatedMb(), source, dir);
      files.add(generate(source, dir, options.generatedMb() * 1_000_000L, c.train().seed()));
      names.add("generated");
    }
    List<List<Measurement>> byCores = new ArrayList<>();
    for (int n : options.cores()) byCores.add(measureOn(n, names, files, tok, c.data().vocabSize(), options.repeats(), out));
    BenchResult result = summary(options, names, byCores, out);
    result.publish(c.output().root(), SparkSessions.hadoopConfiguration(), out);
    return result;
  }

  /** One warm-up pass over the first file, then the median of {@code repeats} passes over each file, on {@code local[n]}. */
  private static List<Measurement> measureOn(int n, List<String> names, List<Path> files, Tokenizer tok, int vocabSize, int repeats,
      PrintStream out) {
    SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + n + "]").set("spark.ui.enabled", "false");
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      int partitions = 4 * n; // several tasks per core keep both cores busy to the end
      measure(sc, "warm-up", files.get(0), tok, vocabSize, partitions);
      List<Measurement> row = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        List<Measurement> runs = new ArrayList<>();
        for (int r = 0; r < repeats; r++) runs.add(measure(sc, names.get(i), files.get(i), tok, vocabSize, partitions));
        runs.sort(Comparator.comparingDouble(Measurement::seconds));
        Measurement m = runs.get(runs.size() / 2);
        out.printf("local[%d] %-9s %8.1f MB  %10d tokens  %6.2f s  %6.1f MB/s  %,10.0f tokens/s%n", n,
            names.get(i), m.bytes() / 1e6, m.tokens(), m.seconds(), m.mbPerSecond(), m.tokensPerSecond());
        row.add(m);
      }
      return row;
    }
  }

  /** @param byCores per master of {@code options.cores()}, per corpus of {@code names}: the median measurement */
  static BenchResult summary(Options options, List<String> names, List<List<Measurement>> byCores, PrintStream out) {
    List<Integer> cores = options.cores();
    BenchResult result = new BenchResult("prepare").put("tokenizer", options.tokenizer()).put("cores", cores)
        .put("repeats", options.repeats());
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      result.put(name + "_mb", byCores.get(0).get(i).bytes() / 1e6).put(name + "_tokens", byCores.get(0).get(i).tokens());
      for (int c = 0; c < cores.size(); c++) {
        Measurement m = byCores.get(c).get(i);
        result.put(name + "_mb_per_s_" + cores.get(c), m.mbPerSecond()).put(name + "_tokens_per_s_" + cores.get(c), m.tokensPerSecond());
      }
      double speedup = speedup(byCores, i);
      result.put(name + "_speedup", speedup);
      out.printf("%s: %.2fx from local[%d] to local[%d]%n", name, speedup, cores.get(0), cores.get(cores.size() - 1));
    }
    int last = names.size() - 1;
    double perCore = byCores.get(0).get(last).mbPerSecond() / cores.get(0);
    double speedup = speedup(byCores, last);
    return result.put("mb_per_s_per_core", perCore).put("speedup", speedup)
        .put("target_mb_per_s_per_core", TARGET_MB_PER_CORE).put("target_speedup", TARGET_SPEEDUP)
        .put("meets_targets", perCore >= TARGET_MB_PER_CORE && speedup >= TARGET_SPEEDUP);
  }

  /** MB/s on the last master over MB/s on the first, for corpus {@code i}. */
  private static double speedup(List<List<Measurement>> byCores, int i) {
    return byCores.get(byCores.size() - 1).get(i).mbPerSecond() / byCores.get(0).get(i).mbPerSecond();
  }

  private static Path firstTrainFile(AwdlmConfig c) {
    List<String> train = c.data().train();
    if (train.isEmpty()) throw new ConfigError("--corpus", "no corpus: pass --corpus FILE or set data.train");
    Path p = Path.of(HadoopFs.location("data.train", train.get(0)).toUri().getPath());
    if (!Files.isRegularFile(p)) throw new ConfigError("data.train", train.get(0), "is not a local file; pass --corpus FILE");
    return p;
  }

  /** One timed pass over one corpus with one Spark master. */
  public record Measurement(String corpus, int cores, long bytes, long tokens, int vocabSize, double seconds) {
    public double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }

    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  public static Measurement measure(JavaSparkContext sc, String name, Path file, Tokenizer tokenizer, int vocabSize, int partitions) {
    org.apache.hadoop.fs.Path input = new org.apache.hadoop.fs.Path(file.toUri());
    long start = System.nanoTime();
    sc.setJobDescription("bench prepare: " + name + " vocabulary");
    CorpusReader.Corpus corpus = new CorpusReader(sc).read("--corpus", List.of(input), partitions);
    Vocabulary vocab = new VocabularyBuilder(vocabSize, 1).build(corpus.lines().map(Utf8.Line::text), tokenizer);
    Broadcast<Vocabulary> vocabB = sc.broadcast(vocab);
    sc.setJobDescription("bench prepare: " + name + " encode");
    long tokens = corpus.lines()
        .mapPartitions(lines -> {
          long n = 0;
          long checksum = 0;
          while (lines.hasNext()) {
            for (int id : vocabB.value().encode(tokenizer.tokenize(lines.next().text()))) {
              n++;
              checksum += id; // keeps the encoding from being optimised away
            }
          }
          return List.of(checksum >= 0 ? n : -n).iterator();
        })
        .reduce(Long::sum);
    double seconds = (System.nanoTime() - start) / 1e9;
    sc.setJobDescription(null);
    vocabB.destroy();
    return new Measurement(name, sc.defaultParallelism(), size(file), tokens, vocab.size(), seconds);
  }

  /**
   * A corpus of at least {@code targetBytes}: the lines of {@code source}, shuffled with
   * {@code seed + k} in the k-th repetition. Written once under {@code dir} and reused; the name
   * records size and seed, and the file appears only when complete.
   */
  public static Path generate(Path source, Path dir, long targetBytes, long seed) {
    Path target = dir.resolve(String.format("repeated-%dmb-seed%d.txt", targetBytes / 1_000_000, seed));
    if (Files.exists(target)) return target;
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(source, StandardCharsets.UTF_8));
      if (lines.isEmpty()) throw new IllegalArgumentException(source + " is empty");
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".repeated", ".tmp");
      long written = 0;
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (int k = 0; written < targetBytes; k++) {
          Collections.shuffle(lines, new Random(seed + k));
          for (String line : lines) {
            out.write(line);
            out.write('\n');
            written += line.getBytes(StandardCharsets.UTF_8).length + 1;
          }
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot generate " + target, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
