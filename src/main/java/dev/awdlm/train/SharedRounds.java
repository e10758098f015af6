package dev.awdlm.train;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.deeplearning4j.core.loader.DataSetLoader;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * What the driver can observe of a gradient-sharing round. dl4j-spark-parameterserver returns no
 * listener output, so the {@link #observing} loader counts instead: on the executors, as each JVM's
 * trainer takes a DataSet, into a Spark accumulator that the task's result carries back. A DataSet
 * taken is a DataSet trained (the trainer fits what it takes; a failure fails the round), so the
 * tokens and the executors that trained are observed; the NLL is not
 * ({@link GradientSharing#NLL_UNOBSERVED}).
 */
final class SharedRounds implements RoundObserver {
  /** One DataSet an executor's trainer took: its predicted tokens. */
  record Taken(String executor, long tokens) implements Serializable {}

  private final CollectionAccumulator<Taken> taken;

  SharedRounds(JavaSparkContext sc) {
    taken = sc.sc().collectionAccumulator("awdlm: DataSets taken by gradient-sharing trainers");
  }

  /**
   * {@code listeners} alone: nothing a worker reports comes back. Each executor JVM's trainer keeps
   * the listeners of the run's first round (SharedTrainingWrapper sets them on the network it keeps
   * once), which suits the learning-rate listener because a sharing run's rate never changes
   * ({@code train.when} and rollbacks are refused).
   */
  @Override
  public void listen(TrainingMaster<?, ?> master, List<TrainingListener> listeners) {
    master.setListeners(listeners);
  }

  /** Loads each DataSet with {@code loader}, and counts what it gives the trainer. */
  @Override
  public DataSetLoader observing(DataSetLoader loader) {
    return new CountingLoader(taken, loader);
  }

  /** The counts since the last call; a worker is an executor JVM (its one trainer). */
  @Override
  public RoundCollector.Tally drain() {
    List<Taken> round = List.copyOf(taken.value());
    taken.reset();
    long tokens = 0;
    Set<String> executors = new HashSet<>();
    for (Taken t : round) {
      tokens += t.tokens();
      executors.add(t.executor());
    }
    return new RoundCollector.Tally(null, tokens, executors.size());
  }

  private static final class CountingLoader implements DataSetLoader {
    private final CollectionAccumulator<Taken> taken;
    private final DataSetLoader loader;

    CountingLoader(CollectionAccumulator<Taken> taken, DataSetLoader loader) {
      this.taken = taken;
      this.loader = loader;
    }

    @Override
    public DataSet load(Source source) throws IOException {
      DataSet ds = loader.load(source);
      taken.add(new Taken(SparkEnv.get().executorId(), predictedTokens(ds)));
      return ds;
    }

    /** The labels the trainer predicts: all of them, or a padded DataSet's masked-in ones (variable-length BPTT). */
    private static long predictedTokens(DataSet ds) {
      INDArray mask = ds.getLabelsMaskArray();
      return mask == null ? ds.getLabels().size(0) * ds.getLabels().size(2) : mask.sumNumber().longValue();
    }

    /**
     * Spark deserializes the round's function, and this loader with it, in each executor task
     * before dl4j-spark starts the JVM's Aeron transport: the hook that reaches every executor JVM
     * whatever launched it (spark-submit, YARN, local-cluster), unlike extraJavaOptions.
     */
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
      in.defaultReadObject();
      GradientSharing.prepareJvm();
    }
  }
}
