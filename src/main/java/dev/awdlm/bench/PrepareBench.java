package dev.awdlm.bench;

import dev.awdlm.corpus.CorpusReader;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Utf8;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.corpus.VocabularyBuilder;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The work of prepare that scales with the corpus: read and decode, tokenize, count the
 * vocabulary, then tokenize again and encode (as prepare's export pass does), without writing
 * DataSets. The figures are input bytes and tokens per second of wall time.
 */
public final class PrepareBench {
  private PrepareBench() {}

  /** One timed pass over one corpus with one Spark master. */
  public record Measurement(String corpus, int cores, long bytes, long tokens, int vocabSize, double seconds) {
    public double mbPerSecond() {
      return bytes / 1e6 / seconds;
    }

    public double tokensPerSecond() {
      return tokens / seconds;
    }
  }

  public static Measurement measure(JavaSparkContext sc, String name, Path file, Tokenizer tokenizer, int vocabSize, int partitions) {
    org.apache.hadoop.fs.Path input = new org.apache.hadoop.fs.Path(file.toUri());
    long start = System.nanoTime();
    sc.setJobDescription("bench prepare: " + name + " vocabulary");
    CorpusReader.Corpus corpus = new CorpusReader(sc).read("--corpus", List.of(input), partitions);
    Vocabulary vocab = new VocabularyBuilder(vocabSize, 1).build(corpus.lines().map(Utf8.Line::text), tokenizer);
    Broadcast<Vocabulary> vocabB = sc.broadcast(vocab);
    sc.setJobDescription("bench prepare: " + name + " encode");
    long tokens = corpus.lines()
        .mapPartitions(lines -> {
          long n = 0;
          long checksum = 0;
          while (lines.hasNext()) {
            for (int id : vocabB.value().encode(tokenizer.tokenize(lines.next().text()))) {
              n++;
              checksum += id; // keeps the encoding from being optimised away
            }
          }
          return List.of(checksum >= 0 ? n : -n).iterator();
        })
        .reduce(Long::sum);
    double seconds = (System.nanoTime() - start) / 1e9;
    sc.setJobDescription(null);
    vocabB.destroy();
    return new Measurement(name, sc.defaultParallelism(), size(file), tokens, vocab.size(), seconds);
  }

  /**
   * A corpus of at least {@code targetBytes}: the lines of {@code source}, shuffled with
   * {@code seed + k} in the k-th repetition. Written once under {@code dir} and reused; the name
   * records size and seed, and the file appears only when complete.
   */
  public static Path generate(Path source, Path dir, long targetBytes, long seed) {
    Path target = dir.resolve(String.format("repeated-%dmb-seed%d.txt", targetBytes / 1_000_000, seed));
    if (Files.exists(target)) return target;
    try {
      List<String> lines = new ArrayList<>(Files.readAllLines(source, StandardCharsets.UTF_8));
      if (lines.isEmpty()) throw new IllegalArgumentException(source + " is empty");
      Files.createDirectories(dir);
      Path tmp = Files.createTempFile(dir, ".repeated", ".tmp");
      long written = 0;
      try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
        for (int k = 0; written < targetBytes; k++) {
          Collections.shuffle(lines, new Random(seed + k));
          for (String line : lines) {
            out.write(line);
            out.write('\n');
            written += line.getBytes(StandardCharsets.UTF_8).length + 1;
          }
        }
      }
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot generate " + target, e);
    }
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
