package dev.awdlm.train;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.storage.Persistable;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.StorageMetaData;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingMaster;

/**
 * The driver's end of {@link NllListener}: dl4j-spark puts the workers' {@link WindowNll} reports
 * here after each averaging round, and {@link #drain} sums them up for that round.
 */
public final class RoundCollector implements StatsStorageRouter, RoundObserver {
  private final List<WindowNll> windows = new ArrayList<>();

  /**
   * One round as the driver observed it.
   *
   * @param nllSum summed NLL over every token the workers trained on; null where it is not
   *     observed (gradient sharing)
   * @param tokens predicted tokens trained on
   * @param workers distinct workers that fitted at least one window
   */
  public record Tally(Double nllSum, long tokens, int workers) {
    /** Mean NLL per trained token, or null when not observed. */
    public Double meanNll() {
      return nllSum == null ? null : nllSum / tokens;
    }
  }

  /** The reports since the last call, summed; the collector is empty afterwards. */
  @Override
  public synchronized Tally drain() {
    double nll = 0;
    long tokens = 0;
    Set<String> workers = new HashSet<>();
    for (WindowNll w : windows) {
      nll += w.nllSum();
      tokens += w.tokens();
      workers.add(w.getWorkerID());
    }
    windows.clear();
    return new Tally(nll, tokens, workers.size());
  }

  /** {@code listeners} after an {@link NllListener} that reports every window here. */
  @Override
  public void listen(TrainingMaster<?, ?> master, List<TrainingListener> listeners) {
    List<TrainingListener> all = new ArrayList<>(List.of(new NllListener()));
    all.addAll(listeners);
    master.setListeners(this, all);
  }

  /** The workers' own reports say what they trained: the loader is as given. */
  @Override
  public DataSetLoader observing(DataSetLoader loader) {
    return loader;
  }

  @Override
  public synchronized void putUpdate(Persistable update) {
    if (update instanceof WindowNll w) windows.add(w);
  }

  @Override
  public synchronized void putUpdate(Collection<? extends Persistable> updates) {
    for (Persistable p : updates) putUpdate(p);
  }

  /** {@link NllListener} sends no metadata. */
  @Override
  public void putStorageMetaData(StorageMetaData storageMetaData) {}

  @Override
  public void putStorageMetaData(Collection<? extends StorageMetaData> storageMetaData) {}

  /** {@link NllListener} sends no static information. */
  @Override
  public void putStaticInfo(Persistable staticInfo) {}

  @Override
  public void putStaticInfo(Collection<? extends Persistable> staticInfo) {}
}
