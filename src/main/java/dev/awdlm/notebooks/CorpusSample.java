package dev.awdlm.notebooks;

import java.util.ArrayList;
import java.util.List;

/**
 * A sample of about a given number of words from a corpus split, in whole blocks of consecutive
 * lines spread evenly over it: Brown's files run genre by genre, so a prefix would be news only,
 * and consecutive lines keep the local repetition the cache pointer feeds on.
 */
final class CorpusSample {
  /** Lines per block: about 2,000 Brown words, the length of one of its documents. */
  static final int BLOCK_LINES = 100;

  private CorpusSample() {}

  /** @return every line when {@code words} is at least the split's word count */
  static List<String> of(List<String> lines, long words, int blockLines) {
    long total = words(lines);
    if (words >= total) return lines;
    int blocks = (lines.size() + blockLines - 1) / blockLines;
    int taken = (int) Math.max(1, Math.round((double) blocks * words / total));
    List<String> sample = new ArrayList<>();
    for (int j = 0; j < taken; j++) {
      int block = (int) ((long) j * blocks / taken);
      sample.addAll(lines.subList(block * blockLines, Math.min((block + 1) * blockLines, lines.size())));
    }
    return sample;
  }

  /** Whitespace-separated words, as the {@code whitespace} tokenizer counts them before adding {@code <eos>}. */
  static long words(List<String> lines) {
    long n = 0;
    for (String line : lines) {
      String t = line.strip();
      if (!t.isEmpty()) n += t.split("\\s+").length;
    }
    return n;
  }
}
