package dev.awdlm.notebooks;

import java.util.List;

/**
 * The recipe ablation's variants: awd-lstm-lm's full recipe, and the recipe without each one of
 * its parts, as config overrides on top of the notebook's shared settings. Leaving out finetuning
 * or the pointer needs no training of its own: those variants read the full recipe's runs (the
 * model before its finetune; the finetuned model scored without the pointer), so their difference
 * to the full recipe is the part's alone.
 */
final class Recipe {
  private Recipe() {}

  /** A part of the recipe that a variant leaves out. */
  enum Part {
    VARIABLE_BPTT("variable-length BPTT"),
    NT_ASGD("NT-ASGD"),
    FINETUNE("finetuning"),
    POINTER("the cache pointer"),
    DROPOUTS("the dropouts");

    final String title;

    Part(String title) {
      this.title = title;
    }
  }

  /**
   * @param without the part left out; null for the full recipe
   * @param overrides for its training and its finetune
   * @param trainOnly for its training alone
   */
  record Variant(String id, Part without, List<String> overrides, List<String> trainOnly) {
    static final String FULL = "full";

    boolean trains() {
      return without != Part.FINETUNE && without != Part.POINTER;
    }

    /** The variant whose runs this one's figures come from. */
    String runs() {
      return trains() ? id : FULL;
    }

    boolean finetuned() {
      return without != Part.FINETUNE;
    }

    boolean pointer() {
      return without != Part.POINTER;
    }

    List<String> trainOverrides() {
      return RecipeNotebook.concat(overrides, trainOnly);
    }

    String title() {
      return without == null ? "the full recipe" : "without " + without.title;
    }
  }

  /**
   * @param epochs the training budget: NT-ASGD is left out by a {@code train.nonmono} of that many
   *     epochs, which it can never reach (it needs more epochs of history than nonmono). The finetune
   *     keeps the full recipe's nonmono, its stopping rule: it is averaged SGD in every variant.
   */
  static List<Variant> variants(int epochs) {
    return List.of(
        new Variant(Variant.FULL, null, List.of(), List.of()),
        new Variant("no-variable-bptt", Part.VARIABLE_BPTT, List.of("train.variableBptt=false"), List.of()),
        new Variant("no-nt-asgd", Part.NT_ASGD, List.of(), List.of("train.nonmono=" + epochs)),
        new Variant("no-finetune", Part.FINETUNE, List.of(), List.of()),
        new Variant("no-pointer", Part.POINTER, List.of(), List.of()),
        new Variant("no-dropouts", Part.DROPOUTS, List.of("model.dropout=0", "model.dropouth=0", "model.dropouti=0",
            "model.dropoute=0", "model.wdrop=0"), List.of()));
  }
}
