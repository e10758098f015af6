/**
 * Spark ML integration: {@link dev.awdlm.ml.LanguageModelScorer}, a {@code Transformer} that adds
 * a saved model's per-record scores to a DataFrame, usable in a {@code Pipeline} from Java, Scala
 * and PySpark (through the JVM), and saved and loaded with it.
 */
package dev.awdlm.ml;
