package dev.awdlm.train;


/**
 * One epoch of training, as reported.
 *
 * @param trainLoss per-token training loss, the mean over the epoch's averaging rounds (each a mean over workers)
 * @param valPpl stateful validation perplexity after the epoch
 * @param trainPpl exp(trainLoss): AR/TAR/L2 included, so above the pure NLL perplexity
 * @param tokensPerS predicted train tokens per second of training wall time
 * @param asgd whether validation used NT-ASGD's averaged weights
 * @param rollbacks divergence-guard rollbacks so far in the run
 */
public record EpochMetrics(
    int epoch,
    double lr,
    double trainLoss,
    double trainPpl,
    double valPpl,
    double seconds,
    double tokensPerS,
    boolean asgd,
    int rollbacks) {}
