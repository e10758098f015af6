/**
 * Batch stage: encoding token streams to ids, cutting them into BPTT-ready parallel streams the way
 * awd-lstm-lm's {@code batchify} does, and exporting them as DL4J DataSet files that dl4j-spark's
 * {@code fitPaths} consumes. {@link dev.awdlm.batch.PrepareJob} runs the whole prepare stage.
 */
package dev.awdlm.batch;
