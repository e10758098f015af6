package dev.awdlm.batch;

/**
 * One input line as token ids, with the number of its bytes and of those that were not valid UTF-8.
 *
 * @param ids token ids, {@code <eos>} included
 * @param invalidBytes bytes replaced by U+FFFD while decoding the line
 * @param bytes the line's bytes as read (decompressed), without its line terminator
 */
public record EncodedLine(int[] ids, int invalidBytes, int bytes) {}
