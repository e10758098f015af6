package dev.awdlm.batch;

import java.io.Serializable;

/**
 * The part of one layout interval that one input partition holds.
 *
 * @param file DataSet file index
 * @param row stream (example) index inside the file
 * @param offset index of {@code tokens[0]} within the interval's {@code length+1} tokens
 * @param tokens token ids
 */
public record Segment(int file, int row, int offset, int[] tokens) implements Serializable {}
