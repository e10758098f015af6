/**
 * Training stage: parameter averaging over Spark executors with dl4j-spark's
 * {@code ParameterAveragingTrainingMaster} (built only by {@link dev.awdlm.train.TrainingMasters}),
 * on the DataSet files prepare exported. {@link dev.awdlm.train.Trainer} runs the epoch loop on the
 * driver over named parts: where a run starts ({@code Progress}), the learning rate
 * ({@link dev.awdlm.train.LearningRateSchedule}, the only place one is computed), an epoch's
 * averaging rounds ({@code EpochFitter}), the divergence guard ({@code DivergenceGuard}),
 * {@link dev.awdlm.train.NtAsgd}, {@link dev.awdlm.train.Checkpoints} and what a finished train
 * writes ({@code TrainOutputs}). Workers report each fitted window's NLL and tokens back with their
 * parameters ({@link dev.awdlm.train.NllListener}), so the driver knows what trained.
 */
package dev.awdlm.train;
