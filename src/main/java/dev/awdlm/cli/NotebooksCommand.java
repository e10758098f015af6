package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.notebooks.AblationNotebook;
import dev.awdlm.notebooks.MaskNotebook;
import dev.awdlm.notebooks.NotebookSetting;
import dev.awdlm.notebooks.RecipeNotebook;
import dev.awdlm.spark.SparkSessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "notebooks", mixinStandardHelpOptions = true,
    description = {"Regenerate notebooks-export/: masks, the dropout-mask heatmaps (seconds, no",
        "training); ablation, no regularization vs Zaremba-style dropout vs AWD-LSTM at",
        "equal parameter counts; recipe, the AWD-LSTM recipe against the recipe without",
        "each part. The last two train on a sample of the config's corpus (Brown in",
        "conf/local.conf) through the real pipeline; the budget options size them."})
final class NotebooksCommand implements Callable<Integer> {
  /** The notebooks, in the order they are written. */
  enum Notebook { masks, ablation, recipe }

  @Mixin CommonOptions common;

  @Option(names = "--dir", paramLabel = "DIR", defaultValue = "notebooks-export",
      description = "Where the notebooks and figures go (default ${DEFAULT-VALUE}).")
  Path dir;

  @Option(names = "--only", paramLabel = "NOTEBOOK", split = ",",
      description = "Only these notebooks: ${COMPLETION-CANDIDATES} (default: all).")
  Set<Notebook> only;

  @Option(names = "--continue", paramLabel = "STAMP",
      description = "Continue an interrupted generation: reuse the finished runs <output.dir>/*-STAMP.")
  String stamp;

  @Option(names = "--ablation-words", paramLabel = "N", description = "Words in the ablation's train sample (default ${DEFAULT-VALUE}).")
  long ablationWords = AblationNotebook.Budget.DEFAULT.words();

  @Option(names = "--ablation-eval-words", paramLabel = "N",
      description = "Words in the ablation's validation and test samples (default ${DEFAULT-VALUE}).")
  long ablationEvalWords = AblationNotebook.Budget.DEFAULT.evalWords();

  @Option(names = "--ablation-epochs", paramLabel = "N", description = "Epochs of each ablation run (default ${DEFAULT-VALUE}).")
  int ablationEpochs = AblationNotebook.Budget.DEFAULT.epochs();

  @Option(names = "--ablation-model", paramLabel = "E,H,L",
      description = "The ablation's AWD-LSTM: embedding, hidden size, layers (default ${DEFAULT-VALUE}); the stock LSTMs get as"
          + " many parameters.")
  String ablationModel = sizes(AblationNotebook.Budget.DEFAULT.emsize(), AblationNotebook.Budget.DEFAULT.nhid(),
      AblationNotebook.Budget.DEFAULT.nlayers());

  @Option(names = "--ablation-seeds", paramLabel = "N", description = "Seeds per ablation variant (default ${DEFAULT-VALUE}).")
  int ablationSeeds = AblationNotebook.Budget.DEFAULT.seeds();

  @Option(names = "--recipe-words", paramLabel = "N", description = "Words in the recipe's train sample (default ${DEFAULT-VALUE}).")
  long recipeWords = RecipeNotebook.Budget.DEFAULT.words();

  @Option(names = "--recipe-eval-words", paramLabel = "N",
      description = "Words in the recipe's validation and test samples (default ${DEFAULT-VALUE}).")
  long recipeEvalWords = RecipeNotebook.Budget.DEFAULT.evalWords();

  @Option(names = "--recipe-epochs", paramLabel = "N", description = "Training epochs of each recipe run (default ${DEFAULT-VALUE}).")
  int recipeEpochs = RecipeNotebook.Budget.DEFAULT.epochs();

  @Option(names = "--recipe-finetune-epochs", paramLabel = "N", description = "The most finetune epochs (default ${DEFAULT-VALUE}).")
  int recipeFinetuneEpochs = RecipeNotebook.Budget.DEFAULT.finetuneEpochs();

  @Option(names = "--recipe-nonmono", paramLabel = "N",
      description = "train.nonmono of the recipe: NT-ASGD's interval and the finetune's stopping rule (default ${DEFAULT-VALUE}).")
  int recipeNonmono = RecipeNotebook.Budget.DEFAULT.nonmono();

  @Option(names = "--recipe-model", paramLabel = "E,H,L",
      description = "The recipe's AWD-LSTM: embedding, hidden size, layers (default ${DEFAULT-VALUE}).")
  String recipeModel = sizes(RecipeNotebook.Budget.DEFAULT.emsize(), RecipeNotebook.Budget.DEFAULT.nhid(),
      RecipeNotebook.Budget.DEFAULT.nlayers());

  @Option(names = "--recipe-seeds", paramLabel = "N", description = "Seeds per recipe variant (default ${DEFAULT-VALUE}).")
  int recipeSeeds = RecipeNotebook.Budget.DEFAULT.seeds();

  @Override
  public Integer call() {
    Set<Notebook> notebooks = only == null ? EnumSet.allOf(Notebook.class) : EnumSet.copyOf(only);
    // budgets are checked before anything runs, so a bad one fails in seconds, not after the first notebook
    AblationNotebook.Budget ablation = ablationBudget();
    RecipeNotebook.Budget recipe = recipeBudget();
    if (notebooks.contains(Notebook.masks)) {
      MaskNotebook.write(dir, 2017);
      System.out.println("wrote " + dir.resolve(MaskNotebook.NAME));
    }
    if (!notebooks.contains(Notebook.ablation) && !notebooks.contains(Notebook.recipe)) return AwdlmCommand.OK;

    AwdlmConfig config = common.load();
    String stamp = this.stamp != null ? this.stamp : CommonOptions.newRunId();
    List<String> user = new ArrayList<>(common.overrides);
    NotebookSetting setting = new NotebookSetting(dir, common.config, config.data(), user, config.output().root(), stamp);
    System.out.println("notebooks: runs under " + config.output().root() + ", continue with --continue " + stamp);
    try (SparkSession spark = SparkSessions.getOrCreate()) {
      if (notebooks.contains(Notebook.ablation)) {
        AblationNotebook.write(setting, ablation, SparkSessions.context(spark));
        System.out.println("wrote " + dir.resolve(AblationNotebook.NAME));
      }
      if (notebooks.contains(Notebook.recipe)) {
        RecipeNotebook.write(setting, recipe, SparkSessions.context(spark));
        System.out.println("wrote " + dir.resolve(RecipeNotebook.NAME));
      }
    }
    return AwdlmCommand.OK;
  }

  AblationNotebook.Budget ablationBudget() {
    int[] m = sizes("--ablation-model", ablationModel);
    return new AblationNotebook.Budget(ablationWords, ablationEvalWords, ablationEpochs, m[0], m[1], m[2], ablationSeeds);
  }

  RecipeNotebook.Budget recipeBudget() {
    int[] m = sizes("--recipe-model", recipeModel);
    return new RecipeNotebook.Budget(recipeWords, recipeEvalWords, recipeEpochs, recipeFinetuneEpochs, recipeNonmono, m[0], m[1],
        m[2], recipeSeeds);
  }

  private static String sizes(int emsize, int nhid, int nlayers) {
    return emsize + "," + nhid + "," + nlayers;
  }

  /** E,H,L as three numbers; the budget checks their values. */
  static int[] sizes(String option, String sizes) {
    String[] parts = sizes.split(",", -1);
    try {
      if (parts.length == 3) return Arrays.stream(parts).mapToInt(p -> Integer.parseInt(p.strip())).toArray();
    } catch (NumberFormatException e) {
      // reported below, with the value as given
    }
    throw new ConfigError(option, sizes, "takes three whole numbers: embedding,hidden,layers (e.g. 128,256,3)");
  }
}
