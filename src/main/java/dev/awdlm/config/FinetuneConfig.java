package dev.awdlm.config;

/**
 * {@code awdlm finetune}, as awd-lstm-lm's {@code finetune.py}: averaged SGD restarted from a
 * trained run's best model. It stops after {@code epochs}, or earlier when validation has not
 * improved for {@code train.nonmono} epochs.
 *
 * @param epochs the most epochs a finetune trains
 */
public record FinetuneConfig(int epochs) {
  public FinetuneConfig {
    Check.positive("finetune.epochs", epochs);
  }
}
