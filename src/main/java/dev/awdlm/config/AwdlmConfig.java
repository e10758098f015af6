package dev.awdlm.config;

/**
 * The whole validated configuration of one run.
 *
 * @param json the effective configuration (every section) as canonical JSON, for reports
 * @param hash SHA-256 of {@code json}: checkpoints refuse to resume under a different config
 */
public record AwdlmConfig(
    DataConfig data, ModelConfig model, TrainConfig train, OutputConfig output, RetrainConfig retrain, String json, String hash) {

  public AwdlmConfig {
    if (data == null || model == null || train == null || output == null || retrain == null) {
      throw new IllegalArgumentException("every config section is required");
    }
  }
}
