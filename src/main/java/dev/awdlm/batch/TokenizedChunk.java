package dev.awdlm.batch;

/**
 * Consecutive lines of one partition as partition-local token ids: the partition's k-th distinct
 * token (in order of first occurrence) has id k. A chunk names only the tokens that first occur
 * in it, so reading a partition's chunks in order rebuilds its dictionary as the ids need it.
 *
 * @param newTokens the tokens first seen in this chunk, which take the next local ids in this order
 * @param ids the lines' local token ids in order
 * @param lines how many lines
 * @param bytes the lines' bytes as read, without their line terminators
 * @param invalidBytes of those, the bytes replaced by U+FFFD while decoding
 */
public record TokenizedChunk(String[] newTokens, int[] ids, int lines, long bytes, long invalidBytes) {}
