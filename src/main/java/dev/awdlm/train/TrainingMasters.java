package dev.awdlm.train;

import dev.awdlm.config.ModelConfig;
import dev.awdlm.config.TrainConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.core.loader.impl.SerializedDataSetLoader;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;

/**
 * The one place awdlm builds a dl4j-spark {@link ParameterAveragingTrainingMaster}, so that
 * training and the benchmarks train what the config says.
 *
 * <p>The number of workers is always given. Without it the master takes Spark's default
 * parallelism and repartitions every round to that many partitions, whatever {@code train.workers}
 * said: {@code workers = 1} on {@code local[2]} averaged two workers.
 */
public final class TrainingMasters {
  private TrainingMasters() {}

  /** {@code train.workers}, or Spark's default parallelism when it is 0. */
  public static int workers(TrainConfig t, JavaSparkContext sc) {
    return t.workers() > 0 ? t.workers() : sc.defaultParallelism();
  }

  /**
   * A master for {@code workers} workers that fit {@code train.averagingFrequency} DataSets of
   * {@code train.batchSize} streams each per round, and report every window's NLL to
   * {@code rounds}.
   */
  public static ParameterAveragingTrainingMaster build(TrainConfig t, int workers, RoundCollector rounds) {
    // Each exported DataSet holds batchSize streams: one DataSet is one worker minibatch.
    ParameterAveragingTrainingMaster master = new ParameterAveragingTrainingMaster.Builder(workers, t.batchSize())
        .batchSizePerWorker(t.batchSize())
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(t.prefetch())
        .saveUpdater(true) // the M2 default is false: Adam's moments would restart every round
        .repartionData(repartition(t.repartition()))
        .rngSeed(t.seed())
        .build();
    master.setListeners(rounds, List.of(new NllListener()));
    return master;
  }

  /** Whether a run trains on variable-length windows: {@code train.variableBptt}, for the AWD-LSTM alone. */
  public static boolean variableBptt(ModelConfig m, TrainConfig t) {
    return t.variableBptt() && m.kind() != ModelConfig.Kind.LSTM;
  }

  /**
   * What a worker makes of an exported DataSet in {@code epoch}: the DataSet itself, or with
   * variable-length BPTT that epoch's windows, each padded to the network's TBPTT length
   * ({@link TrainConfig#maxWindow()}).
   */
  public static DataSetLoader loader(ModelConfig m, TrainConfig t, int epoch) {
    return variableBptt(m, t) ? new VariableBpttLoader(t.seed(), epoch, t.bptt(), t.maxWindow()) : new SerializedDataSetLoader();
  }

  /**
   * The workers' listeners for an epoch at learning rate {@code lr}: every window's NLL to
   * {@code rounds} and, with variable-length BPTT, each window's rate scaled by its length.
   */
  public static void listen(TrainingMaster<?, ?> master, RoundCollector rounds, ModelConfig m, TrainConfig t, double lr) {
    List<TrainingListener> listeners = new ArrayList<>(List.of(new NllListener()));
    if (variableBptt(m, t)) listeners.add(new VariableBpttRate(lr, t.bptt()));
    master.setListeners(rounds, listeners);
  }

  /**
   * One round's DataSet paths, one partition per worker, so that dl4j-spark has nothing to
   * repartition. A round with fewer DataSets than workers (an epoch's last) leaves the extra
   * partitions empty: those workers sit the round out, and the average is over the ones that
   * trained, each on one DataSet.
   *
   * @throws IllegalArgumentException for more than {@code workers * averagingFrequency} paths: a
   *     dl4j-spark worker fits at most {@code averagingFrequency} DataSets and silently drops the
   *     rest of its partition
   */
  public static JavaRDD<String> round(JavaSparkContext sc, List<String> paths, int workers, int averagingFrequency) {
    if (paths.size() > (long) workers * averagingFrequency) {
      throw new IllegalArgumentException(paths.size() + " DataSets for one round of " + workers + " worker(s) at averaging frequency "
          + averagingFrequency);
    }
    return sc.parallelize(paths, workers);
  }

  static Repartition repartition(TrainConfig.Repartition setting) {
    return switch (setting) {
      case ALWAYS -> Repartition.Always;
      case NEVER -> Repartition.Never;
      case AUTO -> Repartition.NumPartitionsWorkersDiffers;
    };
  }
}
