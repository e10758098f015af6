/**
 * The whole run: prepare, train, evaluate and report, chained on one Spark context. Commands and
 * integration tests call {@link dev.awdlm.pipeline.Pipeline#run}.
 */
package dev.awdlm.pipeline;
