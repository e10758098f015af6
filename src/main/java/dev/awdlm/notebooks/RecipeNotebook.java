package dev.awdlm.notebooks;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.config.Presets;
import dev.awdlm.eval.RunEvaluation;
import dev.awdlm.io.RunLayout;
import dev.awdlm.notebooks.Recipe.Variant;
import dev.awdlm.report.RunReport;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * {@code notebooks-export/recipe-ablation.md}: awd-lstm-lm's recipe (the tied AWD-LSTM with the
 * PTB dropouts, variable-length BPTT, NT-ASGD, finetuning and the cache pointer tuned on
 * validation) trained on a Brown sample at one budget, against the recipe without each part
 * ({@link Recipe}), on several seeds, with a verdict per part by {@link SeedComparison}.
 */
public final class RecipeNotebook {
  public static final String NAME = "recipe-ablation.md";
  static final String FIGURE = "recipe-val-ppl.png";
  static final int BPTT = 35;
  static final int VOCABULARY = 10_000;

  /**
   * The notebook's budget, each field an option of {@code awdlm notebooks}.
   *
   * @param words words of the Brown train sample
   * @param evalWords words of the validation sample and of the test sample
   * @param finetuneEpochs the most epochs of each finetune
   * @param nonmono NT-ASGD's non-monotone interval, and the finetune's stopping rule
   * @param seeds training seeds per variant
   */
  public record Budget(long words, long evalWords, int epochs, int finetuneEpochs, int nonmono, int emsize, int nhid,
      int nlayers, int seeds) {
    public static final Budget DEFAULT = new Budget(60_000, 10_000, 6, 2, 2, 128, 256, 3, 2);

    public Budget {
      if (words < 1000) throw new ConfigError("--recipe-words", words, "must be >= 1000");
      if (evalWords < 1000) throw new ConfigError("--recipe-eval-words", evalWords, "must be >= 1000");
      if (epochs < 2) throw new ConfigError("--recipe-epochs", epochs, "must be >= 2 to show a curve");
      if (finetuneEpochs < 1) throw new ConfigError("--recipe-finetune-epochs", finetuneEpochs, "must be >= 1");
      if (nonmono < 1 || nonmono >= epochs) {
        throw new ConfigError("--recipe-nonmono", nonmono, "must be in [1, --recipe-epochs): at " + epochs
            + " epochs or more NT-ASGD can never trigger, and the recipe without it would test nothing");
      }
      if (emsize < 1 || nhid < 1 || nlayers < 1) {
        throw new ConfigError("--recipe-model", emsize + "," + nhid + "," + nlayers, "sizes must be positive");
      }
      if (seeds < 1 || seeds > 5) throw new ConfigError("--recipe-seeds", seeds, "must be in [1, 5]");
    }

    /** As {@code awdlm notebooks} options, for the command line the notebook shows. */
    public List<String> options() {
      return List.of("--recipe-words", "" + words, "--recipe-eval-words", "" + evalWords, "--recipe-epochs", "" + epochs,
          "--recipe-finetune-epochs", "" + finetuneEpochs, "--recipe-nonmono", "" + nonmono,
          "--recipe-model", emsize + "," + nhid + "," + nlayers, "--recipe-seeds", "" + seeds);
    }

    long[] seedValues() {
      return NotebookRuns.seeds(seeds);
    }
  }

  /** What a trained variant left on one seed: the trained run's report and its finetune's. */
  record Trained(RunReport train, RunReport finetune) {}

  /** One variant's validation and test perplexity on one seed. */
  record Figures(double valid, double test) {}

  private RecipeNotebook() {}

  /** Overrides every variant gets, before the user's and the variant's own. */
  static List<String> shared(Budget b, List<String> data) {
    List<String> o = new ArrayList<>(data);
    // the sample's words seen twice, so that rare words become a trained <unk> at any sample size
    o.addAll(List.of("data.vocabSize=" + VOCABULARY, "data.minCount=2"));
    o.addAll(Presets.ptb(b.emsize(), b.nhid(), b.nlayers(), BPTT));
    o.addAll(List.of("train.variableBptt=true", "train.epochs=" + b.epochs(), "train.nonmono=" + b.nonmono(),
        "finetune.epochs=" + b.finetuneEpochs()));
    return o;
  }

  /** A variant's training config: the base (shared and the user's) and the variant's overrides. */
  static AwdlmConfig trainConfig(File config, List<String> base, Variant v, long seed) {
    return ConfigLoader.load(config, concat(base, v.trainOverrides(), List.of("train.seed=" + seed)));
  }

  /** A variant's finetune config: as its training's, without the overrides meant for training alone. */
  static AwdlmConfig finetuneConfig(File config, List<String> base, Variant v, long seed) {
    return ConfigLoader.load(config, concat(base, v.overrides(), List.of("train.seed=" + seed)));
  }

  /** The figures a variant reports for one seed, from the runs it reads ({@link Variant#runs}). */
  static Figures figures(Variant v, Trained runs) {
    RunReport r = v.finetuned() ? runs.finetune() : runs.train();
    return v.pointer() ? new Figures(r.pointer().validPpl(), r.pointer().testPpl()) : new Figures(r.validPpl(), r.testPpl());
  }

  /** Trains what is not trained yet (seed by seed, so a cut-short notebook has whole seeds), then writes the notebook. */
  public static void write(NotebookSetting s, Budget b, JavaSparkContext sc) {
    List<String> data = s.sample("recipe", b.words(), b.evalWords(), sc.hadoopConfiguration());
    List<String> base = concat(shared(b, data), s.user(), List.of("output.dir=" + s.runs()));
    List<Variant> variants = Recipe.variants(b.epochs());
    Map<String, List<Trained>> trained = new LinkedHashMap<>();
    for (long seed : b.seedValues()) {
      for (Variant v : variants) {
        if (!v.trains()) continue;
        RunLayout layout = RunLayout.of(s.runs(), s.runDir("recipe", v.id(), seed).getName());
        RunReport train = NotebookRuns.pipeline(trainConfig(s.config(), base, v, seed), layout, RunEvaluation.Pointer.TUNED, sc);
        RunReport finetune = NotebookRuns.finetune(finetuneConfig(s.config(), base, v, seed), layout, RunEvaluation.Pointer.TUNED, sc);
        trained.computeIfAbsent(v.id(), k -> new ArrayList<>()).add(new Trained(train, finetune));
      }
    }
    Map<String, double[]> curves = new LinkedHashMap<>();
    trained.forEach((id, seeds) -> {
      for (int i = 0; i < seeds.size(); i++) curves.put(id + " seed " + b.seedValues()[i], RecipeMarkdown.curve(seeds.get(i)));
    });
    String command = s.command("recipe", b.options());
    try {
      Path figures = Files.createDirectories(s.dir().resolve("figures"));
      Files.write(figures.resolve(FIGURE), NotebookRuns.curves("Validation perplexity on Brown: training, then finetuning", curves));
      Files.writeString(s.dir().resolve(NAME), new RecipeMarkdown(command, b, variants, trained).page());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the recipe notebook in " + s.dir(), e);
    }
  }

  @SafeVarargs
  static List<String> concat(List<String>... lists) {
    return Stream.of(lists).flatMap(List::stream).toList();
  }
}
