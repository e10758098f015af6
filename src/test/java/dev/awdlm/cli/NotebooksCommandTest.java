package dev.awdlm.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigLoader;
import dev.awdlm.notebooks.AblationNotebook;
import dev.awdlm.notebooks.NotebookSetting;
import dev.awdlm.notebooks.RecipeNotebook;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The command line a notebook shows is one that regenerates it: parsed back, it gives the same budget. */
class NotebooksCommandTest {
  private static NotebooksCommand parse(String commandLine) {
    List<String> words = Arrays.asList(commandLine.split(" "));
    assertEquals(List.of("jobs/awdlm", "notebooks"), words.subList(0, 2), commandLine);
    CommandLine awdlm = new CommandLine(new AwdlmCommand());
    CommandLine.ParseResult parsed = awdlm.parseArgs(words.subList(1, words.size()).toArray(String[]::new));
    return (NotebooksCommand) parsed.subcommand().commandSpec().userObject();
  }

  private static final NotebookSetting SETTING = new NotebookSetting(Path.of("out"), null,
      ConfigLoader.load(null, List.of()).data(), List.of("train.workers=1"), new org.apache.hadoop.fs.Path("file:/tmp/r"), "s1");

  @Test
  void theRecipesCommandLineGivesItsBudgetBack() {
    RecipeNotebook.Budget b = new RecipeNotebook.Budget(12_345, 2_345, 5, 2, 3, 64, 96, 2, 1);
    NotebooksCommand c = parse(SETTING.command("recipe", b.options()));
    assertEquals(b, c.recipeBudget());
    assertEquals(java.util.Set.of(NotebooksCommand.Notebook.recipe), c.only);
    assertEquals(List.of("train.workers=1"), c.common.overrides, "the user's --set overrides are part of it");
  }

  @Test
  void theAblationsCommandLineGivesItsBudgetBack() {
    AblationNotebook.Budget b = new AblationNotebook.Budget(54_321, 3_000, 7, 48, 64, 3, 3);
    NotebooksCommand c = parse(SETTING.command("ablation", b.options()));
    assertEquals(b, c.ablationBudget());
    assertTrue(c.only.contains(NotebooksCommand.Notebook.ablation));
  }

  @Test
  void theDefaultsAreTheBudgetsDefaults() {
    NotebooksCommand c = parse("jobs/awdlm notebooks");
    assertEquals(RecipeNotebook.Budget.DEFAULT, c.recipeBudget());
    assertEquals(AblationNotebook.Budget.DEFAULT, c.ablationBudget());
  }
}
