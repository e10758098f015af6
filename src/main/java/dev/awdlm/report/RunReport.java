package dev.awdlm.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.train.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code report.json}. {@link #SCHEMA} changes whenever a field changes meaning.
 *
 * @param gitCommit commit of the awdlm build that wrote the report
 * @param finishedAt when the report was written (ISO-8601, UTC)
 * @param config the effective configuration, as JSON
 * @param data what prepare read and wrote ({@code prepare.json})
 * @param workers the most parameter-averaging workers that trained in one round (observed)
 * @param plannedWorkers the workers dl4j-spark was given ({@code train.workers}, or Spark's default
 *     parallelism when that is 0)
 * @param executors executor JVMs registered when the report was written (1 in local mode)
 * @param cores Spark's default parallelism
 * @param epochs one row per trained epoch, each with its averaging rounds
 * @param asgdTriggerEpoch epoch after which NT-ASGD averaged the iterates (0: never)
 * @param rollbacks divergence-guard rollbacks during training
 * @param valid final validation evaluation of the saved model
 * @param test final test evaluation of the saved model
 * @param wallSeconds wall time per stage
 * @param unobserved figures left null because training could not observe them, each with why (see
 *     {@code TrainResult.unobserved})
 */
public record RunReport(
    String schema,
    String runId,
    String gitCommit,
    String finishedAt,
    JsonNode config,
    PrepareStats data,
    long parameters,
    int workers,
    int plannedWorkers,
    int executors,
    int cores,
    List<EpochMetrics> epochs,
    int asgdTriggerEpoch,
    int rollbacks,
    double validPpl,
    double testPpl,
    Evaluation valid,
    Evaluation test,
    Map<String, Double> wallSeconds,
    Pointer pointer,
    int bestEpoch,
    Map<String, String> unobserved) {

  /**
   * 5: train_nll and train_ppl may be null (gradient sharing), with the reason in unobserved.
   * 4: valid_ppl, test_ppl and the evaluations are of the best model by validation, whose epoch
   * is best_epoch (awd-lstm-lm's choice; 3 evaluated the last one); each evaluation says the warm-up of its chunks; the test split is scored as
   * eval.testBatchSize streams (1 by default); pointer, the cache pointer's figures (or null).
   * 3: epochs carry train_nll (mean NLL per trained token; train_loss, which averaged one
   * regularized score per round, is gone), tokens, workers and their rounds; planned_workers.
   */
  public static final String SCHEMA = "awdlm.report/5";

  /**
   * One split's final evaluation.
   *
   * @param totalNll summed natural-log NLL
   * @param chunks pieces of the split evaluated by separate tasks
   * @param tasks Spark tasks that evaluated them
   * @param warmupTokens tokens a chunk starting inside a stream ran over, unscored, before it
   */
  public record Evaluation(double perplexity, double totalNll, long tokens, int chunks, int tasks, int warmupTokens,
      double tokensPerS) {}

  /**
   * The final evaluation with the continuous cache pointer.
   *
   * @param tuned whether theta and lambda were chosen on the validation split ({@code evaluate
   *     --tune-pointer}) rather than taken from eval.pointer.theta and lambda
   */
  public record Pointer(double validPpl, double testPpl, int window, double theta, double lambda, boolean tuned) {}
}
