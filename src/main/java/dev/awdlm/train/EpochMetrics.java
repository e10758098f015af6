package dev.awdlm.train;

import java.util.List;

/**
 * One epoch of training, as reported.
 *
 * @param trainNll mean NLL per trained token over the epoch's rounds (see {@link RoundMetrics#nll}):
 *     no AR, TAR or weight decay; null where not observed
 * @param trainPpl exp(trainNll); null with it
 * @param valPpl stateful validation perplexity after the epoch
 * @param tokensPerS trained tokens per second of training wall time
 * @param asgd whether validation used NT-ASGD's averaged weights
 * @param rollbacks divergence-guard rollbacks so far in the run
 * @param tokens predicted tokens the workers trained on
 * @param workers the most workers that trained in one round of the epoch
 * @param rounds every averaging round of the epoch
 */
public record EpochMetrics(
    int epoch,
    double lr,
    Double trainNll,
    Double trainPpl,
    double valPpl,
    double seconds,
    double tokensPerS,
    boolean asgd,
    int rollbacks,
    long tokens,
    int workers,
    List<RoundMetrics> rounds) {

  public EpochMetrics {
    rounds = rounds == null ? List.of() : List.copyOf(rounds);
  }

  /** The epoch's figures, summed over its rounds. */
  static EpochMetrics of(int epoch, double lr, List<RoundMetrics> rounds, double valPpl, double seconds, boolean asgd,
      int rollbacks) {
    double nll = 0;
    boolean observed = true;
    long tokens = 0;
    int workers = 0;
    for (RoundMetrics r : rounds) {
      if (r.nll() == null) observed = false;
      else nll += r.nll() * r.tokens();
      tokens += r.tokens();
      workers = Math.max(workers, r.workers());
    }
    Double mean = observed ? nll / tokens : null;
    return new EpochMetrics(epoch, lr, mean, observed ? Math.exp(mean) : null, valPpl, seconds, tokens / seconds, asgd, rollbacks, tokens,
        workers, rounds);
  }
}
