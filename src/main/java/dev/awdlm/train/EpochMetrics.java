package dev.awdlm.train;


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
    double trainLoss,
    double valPpl,
    double seconds,
    double tokensPerS) {}
