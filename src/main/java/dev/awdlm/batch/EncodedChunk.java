package dev.awdlm.batch;

/**
 * Consecutive input lines as vocabulary ids, as prepare caches a split for its two passes (sizes,
 * then export). Chunks of lines rather than single lines: Spark estimates the size of what it
 * caches object by object, and a few arrays per chunk are cheaper to measure and hold than an
 * object and an array per line.
 *
 * @param ids the lines' token ids in order, each line's {@code <eos>} included
 * @param lines how many lines
 * @param bytes the lines' bytes as read (decompressed), without their line terminators
 * @param invalidBytes of those, the bytes replaced by U+FFFD while decoding
 */
public record EncodedChunk(int[] ids, int lines, long bytes, long invalidBytes) {}
