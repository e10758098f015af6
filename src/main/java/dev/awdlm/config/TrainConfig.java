package dev.awdlm.config;

import java.util.List;
import java.util.Locale;

/**
 * Optimisation and batching, named after salesforce/awd-lstm-lm's flags.
 *
 * @param lr initial learning rate
 * @param clip global gradient-norm clipping threshold (0 = off)
 * @param epochs number of passes over the training data
 * @param batchSize parallel streams per training DataSet (per worker)
 * @param evalBatchSize parallel streams for stateful evaluation
 * @param bptt truncated-BPTT window length
 * @param alpha activation regularisation (AR) weight
 * @param beta temporal activation regularisation (TAR) weight
 * @param wdecay L2 weight decay
 * @param seed random seed for initialisation and dropout
 * @param optimizer {@code sgd} or {@code adam}
 * @param nonmono NT-ASGD non-monotone interval, in epochs
 * @param when epochs after which the learning rate is divided by 10
 * @param workers parameter-averaging workers (0 = Spark's default parallelism)
 * @param averagingFrequency minibatches each worker fits between two parameter averages
 * @param prefetch DataSets each worker loads ahead of training
 * @param repartition {@code auto}, {@code always} or {@code never}: whether dl4j-spark spreads a
 *     round's DataSets evenly over the workers
 * @param collectStats collect dl4j-spark's training statistics and write them with the run
 * @param lrScaling {@code none}, {@code linear} (multiply the learning rate by the number of
 *     workers) or {@code linear-capped} (the same, never above {@code lr}); the rates themselves are
 *     computed by {@code train.LearningRateSchedule}
 * @param variableBptt awd-lstm-lm's variable-length BPTT for the AWD-LSTM: each window is
 *     {@code max(5, round(N(bptt', 5)))} steps, {@code bptt' = bptt} with probability 0.95, else
 *     {@code bptt / 2}, at most {@code bptt + }{@value #MAX_SEQ_LEN_DELTA}, with the learning rate
 *     scaled by {@code length / bptt}; fresh lengths every epoch, so window boundaries move
 */
public record TrainConfig(
    double lr,
    double clip,
    int epochs,
    int batchSize,
    int evalBatchSize,
    int bptt,
    double alpha,
    double beta,
    double wdecay,
    long seed,
    Optimizer optimizer,
    int nonmono,
    List<Integer> when,
    int workers,
    int averagingFrequency,
    int prefetch,
    Repartition repartition,
    boolean collectStats,
    LrScaling lrScaling,
    boolean variableBptt) {

  /** awd-lstm-lm's {@code max_seq_len_delta}: no variable-length window is longer than bptt + this. */
  public static final int MAX_SEQ_LEN_DELTA = 40;

  /** The longest window a TBPTT step takes: {@code bptt}, or with variable-length BPTT its cap. */
  public int maxWindow() {
    return variableBptt ? bptt + MAX_SEQ_LEN_DELTA : bptt;
  }

  /**
   * The same training for a finetune of at most {@code finetuneEpochs} epochs at a constant rate:
   * awd-lstm-lm's {@code finetune.py} runs averaged SGD at {@code lr} with no decay schedule.
   */
  public TrainConfig forFinetune(int finetuneEpochs) {
    return new TrainConfig(lr, clip, finetuneEpochs, batchSize, evalBatchSize, bptt, alpha, beta, wdecay, seed, optimizer, nonmono,
        List.of(), workers, averagingFrequency, prefetch, repartition, collectStats, lrScaling, variableBptt);
  }

  /**
   * {@code train.repartition}: whether dl4j-spark spreads a round's DataSets evenly over the
   * workers; {@code auto} when the number of partitions differs from the number of workers.
   */
  public enum Repartition implements ConfigEnum {
    AUTO,
    ALWAYS,
    NEVER
  }

  /** The optimisers awd-lstm-lm offers. */
  public enum Optimizer {
    SGD,
    ADAM;

    static Optimizer parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("train.optimizer", value, "must be one of sgd, adam");
      }
    }
  }

  /** How the learning rate follows the number of workers (applied by {@code train.LearningRateSchedule}). */
  public enum LrScaling {
    NONE,
    LINEAR,
    LINEAR_CAPPED;

    static LrScaling parse(String value) {
      try {
        return valueOf(value.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
      } catch (IllegalArgumentException e) {
        throw new ConfigError("train.lrScaling", value, "must be one of none, linear, linear-capped");
      }
    }
  }

  public TrainConfig {
    Check.positive("train.lr", lr);
    Check.nonNegative("train.clip", clip);
    Check.positive("train.epochs", epochs);
    Check.positive("train.batchSize", batchSize);
    Check.positive("train.evalBatchSize", evalBatchSize);
    Check.positive("train.bptt", bptt);
    Check.nonNegative("train.alpha", alpha);
    Check.nonNegative("train.beta", beta);
    Check.nonNegative("train.wdecay", wdecay);
    if (optimizer == null) throw new ConfigError("train.optimizer", "must be one of sgd, adam");
    Check.positive("train.nonmono", nonmono);
    when = List.copyOf(when);
    for (int epoch : when) {
      if (epoch <= 0) throw new ConfigError("train.when", when, "epochs must be >= 1");
    }
    Check.nonNegative("train.workers", workers);
    Check.positive("train.averagingFrequency", averagingFrequency);
    Check.nonNegative("train.prefetch", prefetch);
    ConfigEnum.require("train.repartition", repartition, Repartition.class);
    if (lrScaling == null) throw new ConfigError("train.lrScaling", "must be one of none, linear, linear-capped");
  }
}
