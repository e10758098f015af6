package dev.awdlm.train;

/**
 * One training round, as the driver observed it.
 *
 * @param round 1-based, within the epoch
 * @param tokens predicted tokens the workers trained on
 * @param nll mean NLL per trained token: no AR, TAR or weight decay, under training-mode dropout,
 *     each window scored by the parameters that it then updated; null where not observed
 *     (gradient sharing, {@link TrainResult#unobserved})
 * @param workers workers that trained in the round (fitted at least one window; under gradient
 *     sharing, executor JVMs whose trainer took at least one DataSet)
 * @param seconds wall time of the round
 * @param lr learning rate of the round
 */
public record RoundMetrics(int epoch, int round, long tokens, Double nll, int workers, double seconds, double lr) {}
