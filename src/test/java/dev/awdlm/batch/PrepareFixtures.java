package dev.awdlm.batch;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.corpus.Tokenizer;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Plain-Java counterparts of prepare's Spark stages, written independently of them, and readers
 * for what prepare wrote. Tests compare the two.
 */
final class PrepareFixtures {
  private PrepareFixtures() {}

  /** Small model settings so the tiny corpora fill DataSets: rows 4, bptt 10, 4 windows per shard. */
  static AwdlmConfig config(List<String> overrides) {
    List<String> all = new ArrayList<>(List.of("train.batchSize=4", "train.evalBatchSize=3", "train.bptt=10",
        "data.windowsPerShard=4"));
    all.addAll(overrides);
    return ConfigLoader.load(null, all);
  }

  /** Lines as Hadoop's LineRecordReader splits them: \n, \r\n or \r; no empty line after a final newline. */
  static List<String> lines(java.nio.file.Path file) {
    try {
      String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r\n|\r|\n", -1)));
      if (!lines.isEmpty() && lines.get(lines.size() - 1).isEmpty()) lines.remove(lines.size() - 1);
      return lines;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Tokens of {@code files} in stream order: files sorted by path, as prepare documents. */
  static List<String> tokens(List<java.nio.file.Path> files, Tokenizer tokenizer) {
    List<String> out = new ArrayList<>();
    for (java.nio.file.Path f : files.stream().sorted(Comparator.comparing(p -> p.toUri().toString())).toList()) for (String line : lines(f)) out.addAll(tokenizer.tokenize(line));
    return out;
  }

  /** vocab.tsv as the spec defines it: top (K-2) by count then token, plus <eos> and <unk>, all sorted. */
  static String expectedVocabTsv(List<String> trainTokens, int vocabSize, int minCount) {
    Map<String, Long> counts = new HashMap<>();
    for (String t : trainTokens) counts.merge(t, 1L, Long::sum);
    Comparator<Map.Entry<String, Long>> order = Map.Entry.<String, Long>comparingByValue().reversed()
        .thenComparing(Map.Entry.comparingByKey());
    List<Map.Entry<String, Long>> candidates = counts.entrySet().stream()
        .filter(e -> !e.getKey().equals(Vocabulary.EOS) && !e.getKey().equals(Vocabulary.UNK) && e.getValue() >= minCount)
        .sorted(order).toList();
    List<Map.Entry<String, Long>> kept = new ArrayList<>(vocabSize == 0 ? candidates : candidates.subList(0, Math.min(candidates.size(), vocabSize - 2)));
    long keptCount = kept.stream().mapToLong(Map.Entry::getValue).sum();
    long eos = counts.getOrDefault(Vocabulary.EOS, 0L);
    kept.add(Map.entry(Vocabulary.EOS, eos));
    kept.add(Map.entry(Vocabulary.UNK, trainTokens.size() - keptCount - eos));
    kept.sort(order);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kept.size(); i++) sb.append(i).append('\t').append(kept.get(i).getKey()).append('\t').append(kept.get(i).getValue()).append('\n');
    return sb.toString();
  }

  static int[] encode(List<String> tokens, Vocabulary vocab) {
    return tokens.stream().mapToInt(vocab::id).toArray();
  }

  static Vocabulary vocabulary(RunLayout layout, Configuration conf) {
    return Vocabulary.parseTsv(HadoopFs.readUtf8(layout.vocab(), conf), layout.vocab().toString());
  }

  /**
   * Puts every feature and label of a split's DataSet files back at its stream position. Returns
   * the stream with -1 where no DataSet covers a position.
   */
  static int[] reassemble(RunLayout layout, String split, StreamLayout streams, long tokens, Configuration conf) {
    int[] stream = new int[(int) tokens];
    Arrays.fill(stream, -1);
    List<Path> files = HadoopFs.listFiles(layout.batches(split), StreamExporter.SUFFIX, conf);
    if (files.size() != streams.files()) throw new AssertionError(split + ": " + files.size() + " files, expected " + streams.files());
    for (int q = 0; q < streams.intervals(); q++) {
      int f = streams.file(q);
      DataSet ds = StreamExporter.read(files.get(f), conf);
      int r = streams.row(q);
      long start = streams.start(q);
      long[] shape = ds.getFeatures().shape();
      if (shape[0] != streams.rows() || shape[1] != 1 || shape[2] != streams.length(f)) {
        throw new AssertionError("file " + f + " has shape " + Arrays.toString(shape));
      }
      for (int t = 0; t < streams.length(f); t++) {
        put(stream, start + t, (int) ds.getFeatures().getDouble(r, 0, t));
        put(stream, start + t + 1, (int) ds.getLabels().getDouble(r, 0, t));
      }
    }
    return stream;
  }

  private static void put(int[] stream, long pos, int id) {
    if (stream[(int) pos] != -1 && stream[(int) pos] != id) {
      throw new AssertionError("position " + pos + " holds " + stream[(int) pos] + " and " + id);
    }
    stream[(int) pos] = id;
  }
}
