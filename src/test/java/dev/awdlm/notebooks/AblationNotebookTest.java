package dev.awdlm.notebooks;

import static dev.awdlm.notebooks.NotebookReports.report;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ModelConfig;
import dev.awdlm.notebooks.AblationNotebook.Budget;
import dev.awdlm.notebooks.AblationNotebook.Variant;
import dev.awdlm.report.RunReport;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The regularization ablation's variants as configs, and what its page states on made-up runs. */
class AblationNotebookTest {
  private static final Budget BUDGET = new Budget(5000, 2000, 5, 24, 24, 2, 2);
  private static final List<String> BASE = AblationNotebook.shared(BUDGET, List.of("data.train=file:/t/train.txt"));

  private static AwdlmConfig config(Variant v) {
    return AblationNotebook.config(null, BASE, v, 1111);
  }

  @Test
  void awdVariantIsThePtbRegularizationAtTheBudgetsSizes() {
    AwdlmConfig awd = config(AblationNotebook.awd());
    assertEquals(ModelConfig.Kind.AWD_LSTM, awd.model().kind());
    assertTrue(awd.model().tied());
    assertEquals(24, awd.model().emsize());
    assertEquals(2, awd.model().nlayers());
    assertEquals(0.65, awd.model().dropouti());
    assertEquals(0.5, awd.model().wdrop());
    assertEquals(2, awd.train().alpha());
    assertEquals(1.2e-6, awd.train().wdecay());
    assertEquals(AblationNotebook.VOCABULARY, awd.data().vocabSize());
    assertFalse(awd.train().variableBptt(), "only the regularization differs: every variant trains bptt-long windows");
  }

  @Test
  void theStockVariantsAreOneUntiedLstmWithAndWithoutZarembasDropout() {
    List<Variant> stock = AblationNotebook.stock(17);
    AwdlmConfig none = config(stock.get(0));
    AwdlmConfig zaremba = config(stock.get(1));
    for (AwdlmConfig c : List.of(none, zaremba)) {
      assertEquals(ModelConfig.Kind.LSTM, c.model().kind());
      assertFalse(c.model().tied());
      assertEquals(17, c.model().emsize());
      assertEquals(17, c.model().nhid());
      assertEquals(0, c.model().wdrop());
      assertEquals(0, c.train().alpha());
      assertEquals(0, c.train().wdecay());
    }
    assertEquals(0, none.model().dropout());
    assertEquals(AblationNotebook.ZAREMBA_DROPOUT, zaremba.model().dropout());
    assertEquals(java.util.Set.of("model.dropout"), ConfigDiff.differing(none, zaremba));
  }

  private static String page(double[] noneSeed2, double zarembaTest) {
    Map<String, List<RunReport>> runs = new LinkedHashMap<>();
    runs.put(AblationNotebook.NONE, List.of(report(new double[] {300, 200, 240}, 200, 195, null, 0),
        report(noneSeed2, 201, 196, null, 0)));
    runs.put(AblationNotebook.ZAREMBA, List.of(report(new double[] {300, 190, 180}, 180, zarembaTest, null, 0),
        report(new double[] {300, 190, 181}, 181, zarembaTest + 1, null, 0)));
    runs.put(AblationNotebook.AWD, List.of(report(new double[] {300, 190, 170}, 170, 165, null, 0),
        report(new double[] {300, 190, 171}, 171, 166, null, 0)));
    List<Variant> variants = new ArrayList<>(AblationNotebook.stock(20));
    variants.add(AblationNotebook.awd());
    return new AblationMarkdown("jobs/awdlm notebooks --only ablation", BUDGET, variants, runs, 20, 24_000).page();
  }

  @Test
  void theClaimIsJudgedOnlyWhenTheUnregularizedRunOverfitOnEverySeed() {
    String overfit = page(new double[] {300, 200, 230}, 175);
    assertTrue(overfit.contains("| 1111 | 200.00 (2) | 240.00 | +20.0% | yes |"), overfit);
    assertTrue(overfit.contains("It did, on every seed"), overfit);
    assertTrue(overfit.contains("**The direction of the claim reproduces here**"), overfit);
    assertTrue(overfit.contains("- **zaremba** beats no regularization by more than the seeds' spread"), overfit);

    String notOverfit = page(new double[] {300, 200, 205}, 175);
    assertTrue(notOverfit.contains("| 2222 | 200.00 (2) | 205.00 | +2.5% | no |"), notOverfit);
    assertTrue(notOverfit.contains("**It did not, on every seed, at this budget**"), notOverfit);
    assertTrue(notOverfit.contains("**The claim is not tested at this budget:**"), notOverfit);

    String noWin = page(new double[] {300, 200, 230}, 195);
    assertTrue(noWin.contains("**The claim does not reproduce here**"), noWin);
  }

  @Test
  void thePageStatesTheParameterCountsItCompared() {
    String md = page(new double[] {300, 200, 230}, 175);
    assertTrue(md.contains("| zaremba | 20 / 20 / 2, untied | 12,345 | +0.00% |"), md);
    assertTrue(md.contains("At the AWD-LSTM's own sizes an untied stock LSTM would have 24,000 parameters, 1.94 times"), md);
  }
}
