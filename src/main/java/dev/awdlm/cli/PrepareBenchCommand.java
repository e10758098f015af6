package dev.awdlm.cli;

import dev.awdlm.bench.BenchResult;
import dev.awdlm.bench.PrepareBench.Measurement;
import dev.awdlm.bench.PrepareBench;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.spark.SparkSessions;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {"Measure prepare's tokenize + vocabulary + encode throughput (MB/s, tokens/s)",
        "on a corpus and on a larger corpus generated from its shuffled lines, in local[N]",
        "Spark for each N of --cores, and the speed-up from the first N to the last.",
        "Each figure is the median of --repeats timed passes, after one warm-up pass.",
        "Targets: >= 10 MB/s per core for the word tokenizer, >= 1.7x from 1 to 2 cores."})
final class PrepareBenchCommand implements Callable<Integer> {
  static final double TARGET_MB_PER_CORE = 10;
  static final double TARGET_SPEEDUP = 1.7;

  @Mixin CommonOptions common;

  @Option(names = "--corpus", paramLabel = "FILE",
      description = "Local text file to measure (default: the first data.train path, Brown in conf/local.conf).")
  File corpus;

  @Option(names = "--generated-mb", defaultValue = "200", description = "Size of the generated corpus in MB (default ${DEFAULT-VALUE}; 0 skips it).")
  int generatedMb;

  @Option(names = "--work", paramLabel = "DIR", description = "Where the generated corpus is kept (default: <java.io.tmpdir>/awdlm-bench).")
  File work;

  @Option(names = "--cores", split = ",", defaultValue = "1,2", description = "Spark local[N] masters to compare (default ${DEFAULT-VALUE}).")
  List<Integer> cores;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed passes per corpus and master; the median counts (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--tokenizer", defaultValue = "word", description = "Tokenizer to measure (default ${DEFAULT-VALUE}).")
  String tokenizer;

  @Override
  public Integer call() {
    List<String> overrides = new ArrayList<>(common.overrides);
    overrides.add("data.tokenizer=" + tokenizer);
    common.overrides = overrides;
    AwdlmConfig config = common.load();
    Path source = corpusFile(config);
    for (int n : cores) if (n < 1) throw new ConfigError("--cores", n, "must be >= 1");
    if (repeats < 1) throw new ConfigError("--repeats", repeats, "must be >= 1");
    Tokenizer tok = Tokenizer.of(config.data());
    List<String> names = new ArrayList<>(List.of("corpus"));
    List<Path> files = new ArrayList<>(List.of(source));
    if (generatedMb > 0) {
      Path dir = work != null ? work.toPath() : Path.of(System.getProperty("java.io.tmpdir"), "awdlm-bench");
      System.out.printf("generating a %d MB corpus from %s in %s ...%n", generatedMb, source, dir);
      files.add(PrepareBench.generate(source, dir, generatedMb * 1_000_000L, config.train().seed()));
      names.add("generated");
    }

    List<List<Measurement>> byCores = new ArrayList<>();
    for (int n : cores) {
      SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + n + "]").set("spark.ui.enabled", "false");
      try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
        var sc = SparkSessions.context(spark);
        int partitions = 4 * n; // several tasks per core keep both cores busy to the end
        PrepareBench.measure(sc, "warm-up", source, tok, config.data().vocabSize(), partitions);
        List<Measurement> row = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
          List<Measurement> runs = new ArrayList<>();
          for (int r = 0; r < repeats; r++) {
            runs.add(PrepareBench.measure(sc, names.get(i), files.get(i), tok, config.data().vocabSize(), partitions));
          }
          runs.sort(java.util.Comparator.comparingDouble(Measurement::seconds));
          Measurement m = runs.get(runs.size() / 2);
          System.out.printf("local[%d] %-9s %8.1f MB  %10d tokens  %6.2f s  %6.1f MB/s  %,10.0f tokens/s%n", n,
              names.get(i), m.bytes() / 1e6, m.tokens(), m.seconds(), m.mbPerSecond(), m.tokensPerSecond());
          row.add(m);
        }
        byCores.add(row);
      }
    }

    BenchResult result = new BenchResult("prepare").put("tokenizer", tokenizer).put("cores", cores).put("repeats", repeats);
    for (int i = 0; i < files.size(); i++) {
      String name = names.get(i);
      result.put(name + "_mb", byCores.get(0).get(i).bytes() / 1e6).put(name + "_tokens", byCores.get(0).get(i).tokens());
      for (int c = 0; c < cores.size(); c++) {
        Measurement m = byCores.get(c).get(i);
        result.put(name + "_mb_per_s_" + cores.get(c), m.mbPerSecond()).put(name + "_tokens_per_s_" + cores.get(c), m.tokensPerSecond());
      }
      double speedup = byCores.get(cores.size() - 1).get(i).mbPerSecond() / byCores.get(0).get(i).mbPerSecond();
      result.put(name + "_speedup", speedup);
      System.out.printf("%s: %.2fx from local[%d] to local[%d]%n", name, speedup, cores.get(0), cores.get(cores.size() - 1));
    }
    // The targets are judged on the largest corpus measured.
    int last = files.size() - 1;
    double perCore = byCores.get(0).get(last).mbPerSecond() / cores.get(0);
    double speedup = byCores.get(cores.size() - 1).get(last).mbPerSecond() / byCores.get(0).get(last).mbPerSecond();
    result.put("mb_per_s_per_core", perCore).put("speedup", speedup)
        .put("target_mb_per_s_per_core", TARGET_MB_PER_CORE).put("target_speedup", TARGET_SPEEDUP)
        .put("meets_targets", perCore >= TARGET_MB_PER_CORE && speedup >= TARGET_SPEEDUP);
    result.publish(config.output().root(), SparkSessions.hadoopConfiguration(), System.out);
    return AwdlmCommand.OK;
  }

  private Path corpusFile(AwdlmConfig config) {
    if (corpus != null) {
      if (!corpus.isFile()) throw new ConfigError("--corpus", corpus.toString(), "is not a file");
      return corpus.toPath();
    }
    List<String> train = config.data().train();
    if (train.isEmpty()) throw new ConfigError("--corpus", "no corpus: pass --corpus FILE or set data.train");
    Path p = Path.of(HadoopFs.location("data.train", train.get(0)).toUri().getPath());
    if (!Files.isRegularFile(p)) throw new ConfigError("data.train", train.get(0), "is not a local file; pass --corpus FILE");
    return p;
  }
}
