package dev.awdlm.config;

/**
 * The whole validated configuration of one run.
 *
 * @param score how {@code score} uses a saved model; no part of a run, so not in {@code json}
 * @param eval how a trained model is evaluated; not in {@code json} either, so that changing it
 *     never stops a run from resuming
 * @param json the effective configuration of the run (every section but {@code score} and {@code
 *     eval}) as canonical JSON, for reports
 * @param hash SHA-256 of {@code json}: checkpoints refuse to resume under a different config
 */
public record AwdlmConfig(DataConfig data, ModelConfig model, TrainConfig train, OutputConfig output, RetrainConfig retrain,
    ScoreConfig score, EvalConfig eval, String json, String hash) {

  public AwdlmConfig {
    if (data == null || model == null || train == null || output == null || retrain == null || score == null || eval == null) {
      throw new IllegalArgumentException("every config section is required");
    }
  }
}
