/**
 * Training stage: parameter averaging over Spark executors with dl4j-spark's
 * {@code ParameterAveragingTrainingMaster} (built only by {@link dev.awdlm.train.TrainingMasters}),
 * on the DataSet files prepare exported, with the epoch loop (learning-rate schedule, validation,
 * divergence guard, metrics) on the driver. Workers report each fitted window's NLL and tokens back
 * with their parameters ({@link dev.awdlm.train.NllListener}), so the driver knows what trained.
 */
package dev.awdlm.train;
