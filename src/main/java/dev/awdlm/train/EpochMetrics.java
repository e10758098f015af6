package dev.awdlm.train;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * One epoch of training, as reported.
 *
 * @param trainLoss per-token training loss of the last averaging round of the epoch (mean over workers)
 * @param valPpl stateful validation perplexity after the epoch
 * @param tokensPerS predicted train tokens per second of training wall time
 */
public record EpochMetrics(
    int epoch,
    double lr,
    @JsonProperty("train_loss") double trainLoss,
    @JsonProperty("val_ppl") double valPpl,
    double seconds,
    @JsonProperty("tokens_per_s") double tokensPerS) {}
