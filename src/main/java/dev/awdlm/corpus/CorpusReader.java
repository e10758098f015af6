package dev.awdlm.corpus;

import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Reads text files (plain, gzip or bzip2, as Hadoop's codecs recognise them by extension) as one
 * RDD of UTF-8-decoded lines whose order is the order of {@code files}, then line order within each
 * file. Large files are split into partitions and streamed; nothing is collected on the driver.
 */
public final class CorpusReader {
  private final JavaSparkContext sc;

  public CorpusReader(JavaSparkContext sc) {
    this.sc = sc;
  }

  /**
   * The lines of some files, and which file each partition reads.
   *
   * @param firstPartition index of the first partition of each file; partitions of one file are consecutive
   */
  public record Corpus(JavaRDD<Utf8.Line> lines, List<Path> files, int[] firstPartition) {
    /** The index in {@link #files} of the file that partition {@code p} reads. */
    public int fileOf(int p) {
      int f = 0;
      while (f + 1 < firstPartition.length && firstPartition[f + 1] <= p) f++;
      return f;
    }
  }

  /**
   * @param files already expanded and sorted (see {@code HadoopFs.expandInputs})
   * @param minPartitions a lower bound on the number of partitions across all files
   */
  public Corpus read(List<Path> files, int minPartitions) {
    int perFile = Math.max(1, (minPartitions + files.size() - 1) / files.size());
    List<JavaRDD<Utf8.Line>> parts = new ArrayList<>(files.size());
    int[] first = new int[files.size()];
    int partitions = 0;
    for (int f = 0; f < files.size(); f++) {
      JavaRDD<Utf8.Line> lines = sc.hadoopFile(files.get(f).toString(), TextInputFormat.class, LongWritable.class, Text.class, perFile)
          .map(kv -> Utf8.decode(kv._2().getBytes(), kv._2().getLength()));
      first[f] = partitions;
      partitions += lines.getNumPartitions();
      parts.add(lines);
    }
    // union keeps the partitions of each file, in order: the stream order is deterministic.
    @SuppressWarnings("unchecked")
    JavaRDD<Utf8.Line> all = parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(JavaRDD[]::new));
    return new Corpus(all, List.copyOf(files), first);
  }
}
