package dev.awdlm.train;

import dev.awdlm.batch.VariableBptt;
import java.io.IOException;
import java.util.Random;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.impl.SerializedDataSetLoader;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Loads an exported shard on a worker and cuts it into one epoch's variable-length windows
 * ({@link VariableBptt}). The lengths depend on the epoch and the shard, not on which worker or
 * round loads it, so a run is repeatable and the window boundaries move from epoch to epoch.
 */
final class VariableBpttLoader implements DataSetLoader {
  private final long seed;
  private final int bptt;
  private final int slot;

  /** @param slot the network's TBPTT length: the longest window, which every window is padded to */
  VariableBpttLoader(long seed, int epoch, int bptt, int slot) {
    this.seed = seed * 1_000_003L + epoch;
    this.bptt = bptt;
    this.slot = slot;
  }

  @Override
  public DataSet load(Source source) throws IOException {
    DataSet shard = new SerializedDataSetLoader().load(source);
    Random random = new Random(seed * 31 + source.getPath().hashCode());
    int steps = (int) shard.getFeatures().size(2);
    return VariableBptt.padded(shard, VariableBptt.lengths(steps, bptt, slot, random), slot);
  }
}
