package dev.awdlm.train;

import java.util.List;

/**
 * What train leaves in {@code train.json}, besides the model itself.
 *
 * @param workers the most workers that trained in one round (observed from the workers' reports;
 *     an epoch's last round may train fewer)
 * @param plannedWorkers the workers dl4j-spark was given: {@code train.workers}, or Spark's default
 *     parallelism when that is 0
 * @param seconds training wall time of all epochs, over every resumed attempt
 * @param rollbacks times the divergence guard rolled back
 * @param asgdTriggerEpoch epoch after which NT-ASGD averaged the iterates (0: never)
 * @param bestEpoch the epoch whose model was saved: the one with the lowest validation perplexity,
 *     as awd-lstm-lm keeps (0 in train.json written before it was recorded)
 */
public record TrainResult(int workers, int plannedWorkers, long trainTokensPerEpoch, long parameters, double seconds,
    int rollbacks, int asgdTriggerEpoch, List<EpochMetrics> epochs, int bestEpoch) {}
