package dev.awdlm.train;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;

/**
 * How a training's rounds run under its {@code train.sync}: the dl4j-spark master, and where the
 * driver learns what each round trained (which also decides what the workers load and listen
 * with). Built by {@link TrainingMasters#rounds}; one per training, since a gradient-sharing
 * master cannot be swapped for another while the executors live (docs/gradient-sharing.md).
 *
 * @param unobserved why the training NLL is not observed; null when the workers report it
 */
public record TrainingRounds(TrainingMaster<?, ?> master, RoundObserver observer, String unobserved) {
  /**
   * Readies the workers for {@code epoch} at learning rate {@code lr} ({@link TrainingMasters#listeners})
   * and returns the loader that gives them that epoch's DataSets ({@link TrainingMasters#loader}:
   * with variable-length BPTT, the epoch's windows).
   */
  public DataSetLoader epoch(ModelConfig m, TrainConfig t, int epoch, double lr) {
    observer.listen(master, TrainingMasters.listeners(m, t, lr));
    return observer.observing(TrainingMasters.loader(m, t, epoch));
  }

  /** Fits one round's DataSets (see {@link TrainingMasters#round}) with an epoch's loader and returns what the workers trained. */
  public RoundCollector.Tally fit(SparkDl4jMultiLayer sparkNet, JavaRDD<String> round, DataSetLoader loader) {
    sparkNet.fitPaths(round, loader);
    return observer.drain();
  }
}
