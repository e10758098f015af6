package dev.awdlm.train;

import org.apache.spark.api.java.JavaRDD;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;

/**
 * How a training's rounds run under its {@code train.sync}: the dl4j-spark master, the loader its
 * workers read DataSets with, and where the driver learns what each round trained. Built by
 * {@link TrainingMasters#rounds}; one per training, since a gradient-sharing master cannot be
 * swapped for another while the executors live (docs/gradient-sharing.md).
 *
 * @param unobserved why the training NLL is not observed; null when the workers report it
 */
public record TrainingRounds(TrainingMaster<?, ?> master, DataSetLoader loader, RoundObserver observer, String unobserved) {
  /** Fits one round's DataSets (see {@link TrainingMasters#round}) and returns what the workers trained. */
  public RoundCollector.Tally fit(SparkDl4jMultiLayer sparkNet, JavaRDD<String> round) {
    sparkNet.fitPaths(round, loader);
    return observer.drain();
  }
}
