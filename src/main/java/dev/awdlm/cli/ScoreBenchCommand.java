package dev.awdlm.cli;

import dev.awdlm.bench.BenchResult;
import dev.awdlm.bench.ScoreBench;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.eval.SavedModel;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.ml.LanguageModelScorer;
import dev.awdlm.score.ScoreJob;
import dev.awdlm.spark.SparkSessions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "score", mixinStandardHelpOptions = true,
    description = {"Measure awdlm score (records/s and tokens/s of the whole job) in local[N]",
        "Spark for each N of --cores, against evaluate's tokens/s on the same text with",
        "the same model in the same session. Each figure is the median of --repeats",
        "timed runs, after one warm-up run of each.",
        "Targets: score >= 0.8x evaluate's tokens/s, >= 1.7x from the first to the last",
        "--cores."})
final class ScoreBenchCommand implements Callable<Integer> {
  static final double TARGET_VS_EVALUATE = 0.8;
  static final double TARGET_SPEEDUP = 1.7;

  @Mixin CommonOptions common;

  @Option(names = "--model", required = true, paramLabel = "URI",
      description = "A saved model: a run directory, its model/ directory, or model.zip.")
  String model;

  @Option(names = "--data", paramLabel = "URI", split = ",",
      description = "Text to score, one record per line (default: the model's own data.test).")
  List<String> data = new ArrayList<>();

  @Option(names = "--cores", split = ",", defaultValue = "1,2", description = "Spark local[N] masters to compare (default ${DEFAULT-VALUE}).")
  List<Integer> cores;

  @Option(names = "--repeats", defaultValue = "3", description = "Timed runs per job and master; the median counts (default ${DEFAULT-VALUE}).")
  int repeats;

  @Override
  public Integer call() {
    AwdlmConfig config = common.load();
    for (int n : cores) if (n < 1) throw new ConfigError("--cores", n, "must be >= 1");
    if (repeats < 1) throw new ConfigError("--repeats", repeats, "must be >= 1");
    Configuration hadoop = SparkSessions.hadoopConfiguration();
    SavedModel saved = SavedModel.load("--model", model, hadoop);
    List<String> text = data.isEmpty() ? saved.config().data().test() : data;
    List<Path> files = HadoopFs.expandInputs(data.isEmpty() ? "data.test" : "--data", text, hadoop);
    LanguageModelScorer scorer = ScoreJob.scorer(model, false, config.score(), hadoop);
    Path work = HadoopFs.qualify(new Path(config.output().root(), "bench/.score-work"), hadoop);

    BenchResult result = new BenchResult("score").put("model", model).put("data", text).put("cores", cores).put("repeats", repeats)
        .put("batch_size", config.score().batchSize());
    List<ScoreBench.ScoreRun> scores = new ArrayList<>();
    List<ScoreBench.EvaluateRun> evaluations = new ArrayList<>();
    for (int n : cores) {
      SparkConf conf = SparkSessions.defaults(new SparkConf()).setMaster("local[" + n + "]").set("spark.ui.enabled", "false");
      try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
        ScoreBench.ScoreRun s = median(() -> ScoreBench.score(spark, scorer, model, text, files, config.score(), work),
            Comparator.comparingDouble(ScoreBench.ScoreRun::seconds));
        ScoreBench.EvaluateRun e = median(() -> ScoreBench.evaluate(spark, saved, model, text, work),
            Comparator.comparingDouble(r -> -r.tokensPerS()));
        System.out.printf("local[%d] score %,d records, %,d tokens: %,.0f records/s, %,.0f tokens/s; evaluate %,.0f tokens/s"
            + " (%,.0f over its wall time): %.2fx%n", n, s.records(), s.tokens(), s.recordsPerS(), s.tokensPerS(), e.tokensPerS(),
            e.wallTokensPerS(), s.tokensPerS() / e.tokensPerS());
        result.put("records", s.records()).put("tokens", s.tokens())
            .put("score_records_per_s_" + n, s.recordsPerS()).put("score_tokens_per_s_" + n, s.tokensPerS())
            .put("evaluate_tokens_per_s_" + n, e.tokensPerS()).put("evaluate_wall_tokens_per_s_" + n, e.wallTokensPerS())
            .put("score_vs_evaluate_" + n, s.tokensPerS() / e.tokensPerS());
        scores.add(s);
        evaluations.add(e);
      } finally {
        HadoopFs.deleteRecursively(work, hadoop);
      }
    }
    int last = cores.size() - 1;
    double vsEvaluate = scores.get(last).tokensPerS() / evaluations.get(last).tokensPerS();
    double speedup = scores.get(last).tokensPerS() / scores.get(0).tokensPerS();
    System.out.printf("score: %.2fx evaluate's tokens/s on local[%d]; %.2fx from local[%d] to local[%d]%n", vsEvaluate,
        cores.get(last), speedup, cores.get(0), cores.get(last));
    result.put("score_vs_evaluate", vsEvaluate).put("speedup", speedup)
        .put("target_score_vs_evaluate", TARGET_VS_EVALUATE).put("target_speedup", TARGET_SPEEDUP)
        .put("meets_targets", vsEvaluate >= TARGET_VS_EVALUATE && speedup >= TARGET_SPEEDUP);
    result.publish(config.output().root(), hadoop, System.out);
    return AwdlmCommand.OK;
  }

  /** One warm-up run, then the median of {@code repeats} timed ones. */
  private <T> T median(Supplier<T> run, Comparator<T> order) {
    run.get();
    List<T> runs = new ArrayList<>();
    for (int i = 0; i < repeats; i++) runs.add(run.get());
    runs.sort(order);
    return runs.get(runs.size() / 2);
  }
}
