package dev.awdlm.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.train.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * The content of {@code report.json}. {@link #SCHEMA} changes whenever a field changes meaning.
 *
 * @param config the effective configuration, as JSON
 * @param wallSeconds wall time per stage
 */
public record RunReport(
    String schema,
    @JsonProperty("run_id") String runId,
    @JsonRawValue String config,
    PrepareStats data,
    long parameters,
    int workers,
    List<EpochMetrics> epochs,
    @JsonProperty("valid_ppl") double validPpl,
    @JsonProperty("valid_tokens") long validTokens,
    @JsonProperty("test_ppl") double testPpl,
    @JsonProperty("test_tokens") long testTokens,
    @JsonProperty("wall_seconds") Map<String, Double> wallSeconds) {

  public static final String SCHEMA = "awdlm.report/1";
}
