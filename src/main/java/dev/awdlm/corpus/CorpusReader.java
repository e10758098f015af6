package dev.awdlm.corpus;

import dev.awdlm.config.ConfigError;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.LongWritable;
import org.apache.hadoop.io.Text;
import org.apache.hadoop.io.compress.CompressionCodecFactory;
import org.apache.hadoop.mapred.TextInputFormat;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import scala.Tuple2;

/**
 * Reads text files (plain, gzip or bzip2, as Hadoop's codecs recognise them by extension) as one
 * RDD of UTF-8-decoded lines whose order is the order of {@code files}, then line order within each
 * file. Large files are split into partitions and streamed; nothing is collected on the driver.
 * A read error names its file: a damaged compressed file is the input's fault, a {@link ConfigError}.
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
   * @param key the config key the files came from, named in errors
   * @param files already expanded and sorted (see {@code HadoopFs.expandInputs})
   * @param minPartitions a lower bound on the number of partitions across all files
   */
  public Corpus read(String key, List<Path> files, int minPartitions) {
    int perFile = Math.max(1, (minPartitions + files.size() - 1) / files.size());
    CompressionCodecFactory codecs = new CompressionCodecFactory(sc.hadoopConfiguration());
    List<JavaRDD<Utf8.Line>> parts = new ArrayList<>(files.size());
    int[] first = new int[files.size()];
    int partitions = 0;
    for (int f = 0; f < files.size(); f++) {
      String file = files.get(f).toString();
      boolean compressed = codecs.getCodec(files.get(f)) != null;
      JavaRDD<Utf8.Line> lines = sc.hadoopFile(file, TextInputFormat.class, LongWritable.class, Text.class, perFile)
          .mapPartitions(records -> decode(key, file, compressed, records), true);
      first[f] = partitions;
      partitions += lines.getNumPartitions();
      parts.add(lines);
    }
    // union keeps the partitions of each file, in order: the stream order is deterministic.
    @SuppressWarnings("unchecked")
    JavaRDD<Utf8.Line> all = parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(JavaRDD[]::new));
    return new Corpus(all, List.copyOf(files), first);
  }

  /** Decodes one partition's records; Hadoop's record reader throws IOExceptions past the iterator. */
  private static Iterator<Utf8.Line> decode(String key, String file, boolean compressed,
      Iterator<Tuple2<LongWritable, Text>> records) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        try {
          return records.hasNext();
        } catch (Exception e) {
          throw readError(key, file, compressed, e);
        }
      }

      @Override
      public Utf8.Line next() {
        Tuple2<LongWritable, Text> kv;
        try {
          kv = records.next();
        } catch (Exception e) {
          throw readError(key, file, compressed, e);
        }
        return Utf8.decode(kv._2().getBytes(), kv._2().getLength());
      }
    };
  }

  private static RuntimeException readError(String key, String file, boolean compressed, Exception e) {
    if (!(e instanceof IOException io)) return e instanceof RuntimeException r ? r : new IllegalStateException(e);
    if (compressed) {
      return new ConfigError(key, file, "cannot be read: " + io.getMessage() + "; the compressed file is truncated or damaged");
    }
    return new UncheckedIOException("cannot read " + file + ": " + io.getMessage(), io);
  }
}
