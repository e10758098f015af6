package dev.awdlm.batch;

import java.util.List;
import java.util.Map;

/**
 * What prepare read and wrote: the content of {@code prepare.json}.
 *
 * @param splits per split: train, valid, test
 * @param vocabSize ids in vocab.tsv
 * @param stageSeconds wall time of each stage, in execution order
 */
public record PrepareStats(
    String tokenizer,
    Map<String, SplitStats> splits,
    int vocabSize,
    Map<String, Double> stageSeconds) {

  /**
   * @param files input files with their sizes in bytes
   * @param invalidBytes input bytes that were not valid UTF-8 (replaced by U+FFFD)
   * @param oovTokens tokens encoded as {@code <unk>}
   * @param predictedTokens tokens that get a prediction in the exported DataSets
   * @param dataSetFiles exported DataSet files
   */
  public record SplitStats(
      List<InputFile> files,
      long bytes,
      long lines,
      long tokens,
      long oovTokens,
      double oovRate,
      long invalidBytes,
      int streams,
      int dataSetFiles,
      long predictedTokens) {}

  /**
   * @param bytes size on disk (compressed size for .gz/.bz2)
   * @param invalidBytes decoded bytes that were not valid UTF-8
   */
  public record InputFile(String path, long bytes, long lines, long invalidBytes) {}
}
