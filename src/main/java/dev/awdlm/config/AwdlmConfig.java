package dev.awdlm.config;

/**
 * The whole validated configuration of one run.
 *
 * @param score how {@code score} uses a saved model; no part of a run, so not in {@code json}
 * @param eval how a trained model is evaluated; not in {@code json} either, so that changing it
 *     never stops a run from resuming
 * @param finetune how {@code finetune} continues a trained run; not in {@code json}, so that a
 *     finetune can be given more epochs and still resume
 * @param json the effective configuration of the run (every section but {@code score}, {@code eval}
 *     and {@code finetune}) as canonical JSON, for reports
 * @param hash SHA-256 of {@code json}: checkpoints refuse to resume under a different config
 */
public record AwdlmConfig(DataConfig data, ModelConfig model, TrainConfig train, OutputConfig output, RetrainConfig retrain,
    ScoreConfig score, EvalConfig eval, FinetuneConfig finetune, String json, String hash) {

  public AwdlmConfig {
    if (data == null || model == null || train == null || output == null || retrain == null || score == null || eval == null
        || finetune == null) {
      throw new IllegalArgumentException("every config section is required");
    }
  }
}
