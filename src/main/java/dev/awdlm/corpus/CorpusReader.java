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
 * RDD of lines whose order is the order of {@code files}, then line order within each file. Large
 * files are split into partitions and streamed; nothing is collected on the driver.
 */
public final class CorpusReader {
  private final JavaSparkContext sc;

  public CorpusReader(JavaSparkContext sc) {
    this.sc = sc;
  }

  /**
   * @param files already expanded and sorted (see {@code HadoopFs.expandInputs})
   * @param minPartitions a lower bound on the number of partitions across all files
   */
  public JavaRDD<String> lines(List<Path> files, int minPartitions) {
    int perFile = Math.max(1, (minPartitions + files.size() - 1) / files.size());
    List<JavaRDD<String>> parts = new ArrayList<>(files.size());
    for (Path file : files) {
      parts.add(sc.hadoopFile(file.toString(), TextInputFormat.class, LongWritable.class, Text.class, perFile)
          .map(kv -> kv._2().toString()));
    }
    // union keeps the partitions of each file, in order: the stream order is deterministic.
    return parts.size() == 1 ? parts.get(0) : sc.union(parts.toArray(JavaRDD[]::new));
  }
}
