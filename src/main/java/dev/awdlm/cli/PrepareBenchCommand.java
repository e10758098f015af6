package dev.awdlm.cli;

import dev.awdlm.bench.PrepareBench;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prepare", mixinStandardHelpOptions = true,
    description = {"Measure the whole prepare stage (vocabulary, encode, shuffle, DataSet files) and,",
        "as a second row, tokenize + vocabulary + encode alone (MB/s, tokens/s), on a corpus and on a",
        "larger corpus generated from its shuffled lines, in local[N] Spark for each N of --cores,",
        "and the speed-up from the first N to the last. valid and test are the config's (the corpus",
        "itself when it names none). Each figure is the median of --repeats timed passes, after one",
        "warm-up pass, and comes with the load average and the cores other processes used meanwhile.",
        "Targets, on the whole prepare: >= 10 MB/s per core for the word tokenizer, >= 1.7x from 1 to 2 cores."})
final class PrepareBenchCommand implements Callable<Integer> {
  @Mixin CommonOptions common;

  @Option(names = "--corpus", paramLabel = "FILE",
      description = "Local text file to measure (default: the first data.train path, Brown in conf/local.conf).")
  Path corpus;

  @Option(names = "--generated-mb", defaultValue = "200", description = "Size of the generated corpus in MB (default ${DEFAULT-VALUE}; 0 skips it).")
  int generatedMb;

  @Option(names = "--work", paramLabel = "DIR", description = "Where the generated corpus and the prepared runs are kept; every run stays until the bench ends (about 2.5 GB for the 200 MB corpus) (default: <java.io.tmpdir>/awdlm-bench).")
  Path work;

  @Option(names = "--cores", split = ",", defaultValue = "1,2", description = "Spark local[N] masters to compare (default ${DEFAULT-VALUE}).")
  List<Integer> cores;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed passes per corpus, row and master; the median counts (default ${DEFAULT-VALUE}).")
  int repeats;

  @Option(names = "--tokenizer", defaultValue = "word", description = "Tokenizer to measure (default ${DEFAULT-VALUE}).")
  String tokenizer;

  @Override
  public Integer call() {
    PrepareBench.Options options = new PrepareBench.Options(corpus, generatedMb, work, cores, repeats, tokenizer);
    PrepareBench.run(options, common.config, BenchCommand.overrides(common), System.out);
    return AwdlmCommand.OK;
  }
}
