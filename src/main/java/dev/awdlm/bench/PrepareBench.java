package dev.awdlm.bench;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.corpus.CorpusReader;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Utf8;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.corpus.VocabularyBuilder;
import dev.awdlm.batch.PrepareJob;
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
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;

/**
 * {@code bench prepare}: the whole prepare stage ({@link PrepareJob}: read, vocabulary, encode,
 * segment, shuffle and DataSet files) in {@code local[N]} Spark for each N compared, and beside it
 * the work of prepare that scales with the corpus alone (read and decode, tokenize, count the
 * vocabulary, tokenize again and encode, without the export). The figures are input bytes and
 * tokens per second of wall time, each with the machine's load while it was taken.
 */
public final class PrepareBench {
  public static final double TARGET_MB_PER_CORE = 10;
  public static final double TARGET_SPEEDUP = 1.7;
  /** The stage rows, headline first. */
  static final List<String> STAGES = List.of("prepare", "tokenize");

  private PrepareBench() {}

  /**
   * @param corpus the local text file to measure; null: the first {@code data.train} path
   * @param generatedMb size of the generated corpus in MB; 0 measures the corpus alone
   * @param work where the generated corpus and the prepared runs are kept; null: {@code <java.io.tmpdir>/awdlm-bench}
   * @param cores the {@code local[N]} masters to compare, the speed-up taken from the first to the last
   * @param repeats timed passes per corpus, stage and master, of which the median counts
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

    Path workDir() {
      return work != null ? work : Path.of(System.getProperty("java.io.tmpdir"), "awdlm-bench");
    }
  }

  /**
   * Measures every corpus on every master, prints a line per measurement, and publishes
   * {@code <output.dir>/bench/prepare.json}. The targets are judged on the whole prepare of the
   * largest corpus measured.
   *
   * @param config the user's config file (null: defaults) and {@code overrides}; {@code data.tokenizer} comes from the
   *     options, {@code data.train} is each corpus measured, and {@code data.valid}/{@code data.test} are the config's
   *     (the measured corpus's source file when it names none)
   */
  public static BenchResult run(Options options, File config, List<String> overrides, PrintStream out) {
    List<String> all = new ArrayList<>(overrides);
    all.add("data.tokenizer=" + options.tokenizer());
    AwdlmConfig c = ConfigLoader.load(config, all);
    Path source = options.corpus() != null ? options.corpus() : firstTrainFile(c);
    List<String> names = new ArrayList<>(List.of("corpus"));
    List<Path> files = new ArrayList<>(List.of(source));
    if (options.generatedMb() > 0) {
      out.printf("generating a %d MB corpus from %s in %s ...%n", options.generatedMb(), source, options.workDir());
      files.add(generate(source, options.workDir(), options.generatedMb() * 1_000_000L, c.train().seed()));
      names.add("generated");
    }
    if (c.data().valid().isEmpty()) all.add("data.valid=" + source.toUri());
    if (c.data().test().isEmpty()) all.add("data.test=" + source.toUri());
    List<List<Measurement>> byCores = new ArrayList<>();
    try (WholePrepare whole = new WholePrepare(config, all, options.workDir().resolve("prepared"))) {
      for (int n : options.cores()) byCores.add(measureOn(n, names, files, c, whole, options.repeats(), out));
    }
    BenchResult result = summary(options, names, byCores, out);
    result.publish(c.output().root(), SparkSessions.hadoopConfiguration(), out);
    return result;
  }

  /**
   * One warm-up pass of each stage over the first file, then per file and stage the median of
   * {@code repeats} passes, on {@code local[n]}.
   *
   * @return per file, per stage of {@link #STAGES}: the median measurement
   */
  private static List<Measurement> measureOn(int n, List<String> names, List<Path> files, AwdlmConfig c, WholePrepare whole,
      int repeats, PrintStream out) {
    SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + n + "]").set("spark.ui.enabled", "false");
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      JavaSparkContext sc = SparkSessions.context(spark);
      Tokenizer tok = Tokenizer.of(c.data());
      int partitions = 4 * n; // several tasks per core keep both cores busy to the end
      whole.measure(sc, "warm-up", files.get(0));
      measure(sc, "warm-up", files.get(0), tok, c.data().vocabSize(), partitions);
      List<Measurement> row = new ArrayList<>();
      for (int i = 0; i < files.size(); i++) {
        for (String stage : STAGES) {
          List<Measurement> runs = new ArrayList<>();
          for (int r = 0; r < repeats; r++) {
            runs.add(stage.equals("prepare") ? whole.measure(sc, names.get(i), files.get(i))
                : measure(sc, names.get(i), files.get(i), tok, c.data().vocabSize(), partitions));
          }
          runs.sort(Comparator.comparingDouble(Measurement::seconds));
          Measurement m = runs.get(runs.size() / 2);
          out.printf("local[%d] %-9s %-8s %8.1f MB  %10d tokens  %6.2f s  %6.1f MB/s  %,10.0f tokens/s  %s%n", n, names.get(i), stage,
              m.bytes() / 1e6, m.tokens(), m.seconds(), m.mbPerSecond(), m.tokensPerSecond(), m.load().describe());
          row.add(m);
        }
      }
      return row;
    }
  }

  /** @param byCores per master of {@code options.cores()}, per corpus of {@code names} and stage of {@link #STAGES}: the median */
  static BenchResult summary(Options options, List<String> names, List<List<Measurement>> byCores, PrintStream out) {
    List<Integer> cores = options.cores();
    BenchResult result = new BenchResult("prepare").put("tokenizer", options.tokenizer()).put("cores", cores)
        .put("repeats", options.repeats());
    boolean loaded = false;
    for (int i = 0; i < names.size(); i++) {
      result.put(names.get(i) + "_mb", at(byCores, 0, i, 0).bytes() / 1e6).put(names.get(i) + "_tokens", at(byCores, 0, i, 0).tokens());
      for (int s = 0; s < STAGES.size(); s++) {
        String key = names.get(i) + "_" + STAGES.get(s);
        for (int c = 0; c < cores.size(); c++) {
          Measurement m = at(byCores, c, i, s);
          result.put(key + "_mb_per_s_" + cores.get(c), m.mbPerSecond()).put(key + "_tokens_per_s_" + cores.get(c), m.tokensPerSecond())
              .put(key + "_load_" + cores.get(c), m.load().average()).put(key + "_others_cores_" + cores.get(c), m.load().othersCores());
          loaded |= i == names.size() - 1 && m.load().loaded();
        }
        double speedup = speedup(byCores, i, s);
        result.put(key + "_speedup", speedup);
        out.printf("%s %s: %.2fx from local[%d] to local[%d]%n", names.get(i), STAGES.get(s), speedup, cores.get(0), cores.get(cores.size() - 1));
      }
    }
    int last = names.size() - 1;
    double perCore = at(byCores, 0, last, 0).mbPerSecond() / cores.get(0);
    double speedup = speedup(byCores, last, 0);
    return result.put("mb_per_s_per_core", perCore).put("speedup", speedup)
        .put("tokenize_mb_per_s_per_core", at(byCores, 0, last, 1).mbPerSecond() / cores.get(0))
        .put("tokenize_speedup", speedup(byCores, last, 1))
        .put("target_mb_per_s_per_core", TARGET_MB_PER_CORE).put("target_speedup", TARGET_SPEEDUP)
        .put("meets_targets", perCore >= TARGET_MB_PER_CORE && speedup >= TARGET_SPEEDUP).put("loaded", loaded);
  }

  private static Measurement at(List<List<Measurement>> byCores, int master, int corpus, int stage) {
    return byCores.get(master).get(corpus * STAGES.size() + stage);
  }

  /** MB/s on the last master over MB/s on the first, for corpus {@code i} and stage {@code s}. */
  private static double speedup(List<List<Measurement>> byCores, int i, int s) {
    return at(byCores, byCores.size() - 1, i, s).mbPerSecond() / at(byCores, 0, i, s).mbPerSecond();
  }

  private static Path firstTrainFile(AwdlmConfig c) {
    List<String> train = c.data().train();
    if (train.isEmpty()) throw new ConfigError("--corpus", "no corpus: pass --corpus FILE or set data.train");
    Path p = Path.of(HadoopFs.location("data.train", train.get(0)).toUri().getPath());
    if (!Files.isRegularFile(p)) throw new ConfigError("data.train", train.get(0), "is not a local file; pass --corpus FILE");
    return p;
  }

  /** The machine's load during one measurement: the load average at its end and the cores other processes used. */
  record Load(Double average, Double othersCores) {
    static Load between(Optional<MachineLoad.Snapshot> from, Optional<MachineLoad.Snapshot> to) {
      OptionalDouble others = MachineLoad.othersCores(from, to);
      OptionalDouble load = MachineLoad.loadAverage();
      return new Load(load.isPresent() ? load.getAsDouble() : null, others.isPresent() ? others.getAsDouble() : null);
    }

    boolean loaded() {
      return othersCores != null && MachineLoad.loaded(OptionalDouble.of(othersCores));
    }

    String describe() {
      return MachineLoad.describe(average == null ? OptionalDouble.empty() : OptionalDouble.of(average),
          othersCores == null ? OptionalDouble.empty() : OptionalDouble.of(othersCores));
    }
  }

  /** One timed pass over one corpus with one Spark master. */
  public record Measurement(String corpus, int cores, long bytes, long tokens, double seconds, Load load) {
    public double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }

    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  /** The tokenize row: read, vocabulary, encode, without the export. */
  public static Measurement measure(JavaSparkContext sc, String name, Path file, Tokenizer tokenizer, int vocabSize, int partitions) {
    org.apache.hadoop.fs.Path input = new org.apache.hadoop.fs.Path(file.toUri());
    Optional<MachineLoad.Snapshot> before = MachineLoad.snapshot();
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
    Load load = Load.between(before, MachineLoad.snapshot());
    sc.setJobDescription(null);
    vocabB.destroy();
    return new Measurement(name, sc.defaultParallelism(), size(file), tokens, seconds, load);
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
