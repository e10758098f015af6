package dev.awdlm.train;

import java.util.List;

/** What train leaves in {@code train.json}, besides the model itself. */
public record TrainResult(int workers, long trainTokensPerEpoch, long parameters, List<EpochMetrics> epochs) {}
