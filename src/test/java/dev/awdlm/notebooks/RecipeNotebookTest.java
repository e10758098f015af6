package dev.awdlm.notebooks;

import static dev.awdlm.notebooks.NotebookReports.pointer;
import static dev.awdlm.notebooks.NotebookReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.ConfigError;
import dev.awdlm.notebooks.Recipe.Variant;
import dev.awdlm.notebooks.RecipeNotebook.Budget;
import dev.awdlm.notebooks.RecipeNotebook.Figures;
import dev.awdlm.notebooks.RecipeNotebook.Trained;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which runs each recipe variant's figures come from, and the verdicts the page states, on made-up reports. */
class RecipeNotebookTest {
  private static final double[] CURVE = {300, 250, 220};

  /** A trained run: before its finetune valid/test 205/200 plain and 185/180 with the pointer; after it the given ones. */
  private static Trained trained(double test, double pointerTest, int asgd) {
    return new Trained(report(CURVE, 205, 200, pointer(185, 180), asgd),
        report(new double[] {215, 212}, test + 5, test, pointer(pointerTest + 5, pointerTest), 0));
  }

  private static Variant variant(String id) {
    return Recipe.variants(3).stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void eachVariantReadsTheFiguresOfItsPart() {
    Trained full = trained(170, 150, 0);
    assertEquals(new Figures(155, 150), RecipeNotebook.figures(variant(Variant.FULL), full));
    assertEquals(new Figures(175, 170), RecipeNotebook.figures(variant("no-pointer"), full), "the finetuned model, plain");
    assertEquals(new Figures(185, 180), RecipeNotebook.figures(variant("no-finetune"), full), "the trained model, pointer");
  }

  private static String page(int seeds, int fullAsgd) {
    Map<String, List<Trained>> runs = new LinkedHashMap<>();
    runs.put(Variant.FULL, List.of(trained(170, 150, fullAsgd), trained(171, 151, fullAsgd)).subList(0, seeds));
    runs.put("no-variable-bptt", List.of(trained(170, 150.5, 0), trained(171, 151.5, 0)).subList(0, seeds));
    runs.put("no-nt-asgd", List.of(trained(170, 160, 0), trained(171, 161, 0)).subList(0, seeds));
    runs.put("no-dropouts", List.of(trained(160, 140, 0), trained(161, 141, 0)).subList(0, seeds));
    Budget b = new Budget(5000, 2000, 3, 2, 2, 16, 32, 2, seeds);
    return new RecipeMarkdown("jobs/awdlm notebooks --only recipe", b, Recipe.variants(3), runs).page();
  }

  @Test
  void aPartPaysWhenTheRecipeWithoutItIsWorseByMoreThanTheSeedSpread() {
    String md = page(2, 4);
    assertTrue(md.contains("- **finetuning**: pays. Without it, mean test perplexity is 180.00 against 150.50"), md);
    assertTrue(md.contains("- **the cache pointer**: pays. Without it, mean test perplexity is 170.50"), md);
    assertTrue(md.contains("- **variable-length BPTT**: not shown at this budget: the gap is within the seeds' spread. Without it, mean test "
        + "perplexity is 151.00 against 150.50 for the full recipe (+0.50, +0.3%); the seeds spread by up to 1.00."), md);
    assertTrue(md.contains("- **NT-ASGD**: pays."), md);
    assertTrue(md.contains("- **the dropouts**: does not pay on this corpus at this budget.") && md.contains(
        "Leaving it out is better by more than the spread."), md);
    assertTrue(md.contains("| no-finetune | 185.00 / 180.00 | 185.00 / 180.00 | 185.00 | 180.00 | +29.50 (+19.6%) | 1.00 | pays |"),
        md);
    assertTrue(md.contains("![validation perplexity by epoch](figures/" + RecipeNotebook.FIGURE + ")"), md);
  }

  @Test
  void ntAsgdIsNotTestedWhenTheFullRecipeNeverSwitchedToAveraging() {
    String md = page(2, 0);
    assertTrue(md.contains("- **NT-ASGD**: not tested at this budget.") && md.contains("so both trained with plain SGD"), md);
  }

  @Test
  void oneSeedJudgesNothing() {
    String md = page(1, 4);
    assertTrue(md.contains("- **finetuning**: not judged: one seed"), md);
    assertFalse(md.contains(": pays."), md);
  }

  @Test
  void theBudgetSaysWhenTrainingHadNotConverged() {
    // the made-up training curve still fell 12% in its last epoch
    assertTrue(page(2, 4).contains("**The budget is short of convergence:** the full recipe's validation perplexity still "
        + "fell by 12.0% in its last training epoch"));
  }

  @Test
  void aBudgetThatCannotTestNtAsgdIsRefused() {
    ConfigError e = assertThrows(ConfigError.class, () -> new Budget(5000, 2000, 4, 2, 4, 16, 32, 2, 2));
    assertEquals("--recipe-nonmono", e.key());
    assertThrows(ConfigError.class, () -> new Budget(5000, 2000, 4, 2, 2, 16, 0, 2, 2));
  }
}
