/**
 * Scoring stage: per-record negative log-likelihood and perplexity of a saved model on any text,
 * each record from a fresh state, many records per forward pass; and the {@code score} job that
 * writes them as a Parquet dataset with a summary (docs/scoring.md).
 */
package dev.awdlm.score;
