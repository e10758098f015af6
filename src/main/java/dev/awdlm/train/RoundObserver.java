package dev.awdlm.train;

import java.util.List;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingMaster;

/**
 * Where the driver learns what one training round trained: {@link RoundCollector} under
 * parameter averaging (the workers' own reports), {@link SharedRounds} under gradient sharing.
 */
public interface RoundObserver {
  /** What the workers trained since the last call. */
  RoundCollector.Tally drain();

  /** Gives {@code master}'s workers {@code listeners}, and what this observer needs them to run as well. */
  void listen(TrainingMaster<?, ?> master, List<TrainingListener> listeners);

  /** The loader the workers read DataSets with: {@code loader}, observed where this observer needs to. */
  DataSetLoader observing(DataSetLoader loader);
}
