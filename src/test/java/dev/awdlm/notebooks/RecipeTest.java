package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.notebooks.Recipe.Part;
import dev.awdlm.notebooks.Recipe.Variant;
import dev.awdlm.train.NtAsgd;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The recipe ablation's variants, as the configs the notebook trains them with. */
class RecipeTest {
  private static final RecipeNotebook.Budget BUDGET = new RecipeNotebook.Budget(5000, 2000, 6, 2, 2, 16, 32, 2, 2);
  private static final List<String> BASE = RecipeNotebook.shared(BUDGET,
      List.of("data.train=file:/t/train.txt", "data.valid=file:/t/valid.txt", "data.test=file:/t/test.txt"));
  private static final long SEED = 1111;

  private static Variant variant(String id) {
    return Recipe.variants(BUDGET.epochs()).stream().filter(v -> v.id().equals(id)).findFirst().orElseThrow();
  }

  @Test
  void eachVariantDiffersFromTheFullRecipeInExactlyItsPart() {
    Map<Part, Set<String>> trainKeys = Map.of(
        Part.VARIABLE_BPTT, Set.of("train.variableBptt"),
        Part.NT_ASGD, Set.of("train.nonmono"),
        Part.FINETUNE, Set.of(),
        Part.POINTER, Set.of(),
        Part.DROPOUTS, Set.of("model.dropout", "model.dropouth", "model.dropouti", "model.dropoute", "model.wdrop"));
    Map<Part, Set<String>> finetuneKeys = Map.of(
        Part.VARIABLE_BPTT, Set.of("train.variableBptt"),
        Part.NT_ASGD, Set.of(), // the finetune keeps the full recipe's nonmono, its stopping rule
        Part.FINETUNE, Set.of(),
        Part.POINTER, Set.of(),
        Part.DROPOUTS, trainKeys.get(Part.DROPOUTS));
    Variant full = variant(Variant.FULL);
    AwdlmConfig fullTrain = RecipeNotebook.trainConfig(null, BASE, full, SEED);
    AwdlmConfig fullFinetune = RecipeNotebook.finetuneConfig(null, BASE, full, SEED);
    List<Part> seen = new ArrayList<>();
    for (Variant v : Recipe.variants(BUDGET.epochs())) {
      if (v.without() == null) continue;
      seen.add(v.without());
      assertEquals(trainKeys.get(v.without()), ConfigDiff.differing(fullTrain, RecipeNotebook.trainConfig(null, BASE, v, SEED)), v.id());
      assertEquals(finetuneKeys.get(v.without()), ConfigDiff.differing(fullFinetune, RecipeNotebook.finetuneConfig(null, BASE, v, SEED)),
          v.id());
      assertEquals(v.without() != Part.FINETUNE, v.finetuned(), v.id());
      assertEquals(v.without() != Part.POINTER, v.pointer(), v.id());
      assertEquals(v.without() == Part.FINETUNE || v.without() == Part.POINTER ? Variant.FULL : v.id(), v.runs(), v.id());
    }
    assertEquals(List.of(Part.values()), seen, "one variant per part, in the order of the parts");
  }

  @Test
  void theFullRecipeIsTheWholeRecipe() {
    AwdlmConfig full = RecipeNotebook.trainConfig(null, BASE, variant(Variant.FULL), SEED);
    assertTrue(full.train().variableBptt());
    assertEquals(BUDGET.nonmono(), full.train().nonmono());
    assertEquals(0.4, full.model().dropout());
    assertEquals(0.65, full.model().dropouti());
    assertEquals(0.5, full.model().wdrop());
    assertTrue(full.model().tied());
    assertEquals(30, full.train().lr());
    assertEquals(BUDGET.finetuneEpochs(), full.finetune().epochs());
    assertEquals(SEED, full.train().seed());
    assertEquals(RecipeNotebook.VOCABULARY, full.data().vocabSize());
    assertEquals(2, full.data().minCount(), "rare words are a trained <unk>");
    Variant v = variant(Variant.FULL);
    assertTrue(v.trains() && v.finetuned() && v.pointer());
  }

  /** NT-ASGD's trigger on a validation curve that only gets worse: the full recipe switches, the variant never does. */
  @Test
  void withoutNtAsgdTheTrainingNeverSwitchesToAveragingWithinTheBudget() {
    int full = RecipeNotebook.trainConfig(null, BASE, variant(Variant.FULL), SEED).train().nonmono();
    int without = RecipeNotebook.trainConfig(null, BASE, variant("no-nt-asgd"), SEED).train().nonmono();
    boolean fullSwitches = false;
    for (int epoch = 1; epoch <= BUDGET.epochs(); epoch++) {
      List<Double> history = IntStream.range(1, epoch).mapToObj(e -> 100.0 + e).toList();
      assertFalse(NtAsgd.shouldTrigger(history, 100.0 + epoch, without), "epoch " + epoch);
      fullSwitches |= NtAsgd.shouldTrigger(history, 100.0 + epoch, full);
    }
    assertTrue(fullSwitches, "the full recipe's nonmono lets NT-ASGD switch within the budget");
  }
}
