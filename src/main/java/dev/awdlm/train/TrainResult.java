package dev.awdlm.train;

import java.util.List;

/**
 * What train leaves in {@code train.json}, besides the model itself.
 *
 * @param seconds training wall time of all epochs, over every resumed attempt
 * @param rollbacks times the divergence guard rolled back
 * @param asgdTriggerEpoch epoch after which NT-ASGD averaged the iterates (0: never)
 */
public record TrainResult(int workers, long trainTokensPerEpoch, long parameters, double seconds, int rollbacks,
    int asgdTriggerEpoch, List<EpochMetrics> epochs) {}
