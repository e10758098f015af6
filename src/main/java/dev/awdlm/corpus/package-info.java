/**
 * Corpus stage: reading raw text from any Hadoop filesystem, tokenizing it, and counting the
 * vocabulary on Spark. Everything here is deterministic in the input, whatever the partitioning.
 */
package dev.awdlm.corpus;
