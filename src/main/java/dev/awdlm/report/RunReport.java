package dev.awdlm.report;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.train.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code report.json}. {@link #SCHEMA} changes whenever a field changes meaning.
 *
 * @param config the effective configuration, as JSON
 * @param executors executor JVMs registered when the report was written (1 in local mode)
 * @param cores Spark's default parallelism
 * @param wallSeconds wall time per stage
 */
public record RunReport(
    String schema,
    String runId,
    JsonNode config,
    PrepareStats data,
    long parameters,
    int workers,
    int executors,
    int cores,
    List<EpochMetrics> epochs,
    double validPpl,
    long validTokens,
    double testPpl,
    long testTokens,
    Map<String, Double> wallSeconds) {

  public static final String SCHEMA = "awdlm.report/1";
}
