/**
 * Training stage: parameter averaging over Spark executors with dl4j-spark's
 * {@code ParameterAveragingTrainingMaster}, on the DataSet files prepare exported, with the epoch
 * loop (learning-rate schedule, validation, metrics) on the driver.
 */
package dev.awdlm.train;
