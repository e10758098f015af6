package dev.awdlm.train;

import java.util.List;

/**
 * What train leaves in {@code train.json}, besides the model itself.
 *
 * @param seconds wall time of the whole train stage, validation included
 */
public record TrainResult(int workers, long trainTokensPerEpoch, long parameters, double seconds, List<EpochMetrics> epochs) {}
