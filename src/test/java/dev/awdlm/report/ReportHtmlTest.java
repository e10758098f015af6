package dev.awdlm.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.io.Json;
import dev.awdlm.train.EpochMetrics;
import dev.awdlm.train.RoundMetrics;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A diverged run's report: non-finite figures are written as text and left off the charts. */
class ReportHtmlTest {
  private static final double INF = Double.POSITIVE_INFINITY;

  /** Epoch 1 trained; epoch 2's NLL is NaN in its second round and its validation perplexity infinite. */
  static RunReport diverged() {
    EpochMetrics one = ChartsTest.oneEpoch();
    List<RoundMetrics> rounds = List.of(new RoundMetrics(2, 1, 350, Math.log(250), 2, 1.0, 0.5),
        new RoundMetrics(2, 2, 350, Double.NaN, 2, 1.0, 0.5));
    EpochMetrics two = new EpochMetrics(2, 0.5, Double.NaN, Double.NaN, INF, 2.0, 350, false, 0, 700, 2, rounds);
    var split = new PrepareStats.SplitStats(List.of(), 10, 1, 700, 0, 0, 0, 2, 2, 700);
    PrepareStats data = new PrepareStats("whitespace", Map.of("train", split), 50, Map.of());
    RunReport.Evaluation eval = new RunReport.Evaluation(INF, INF, 100, 2, 2, 0, 500);
    return new RunReport(RunReport.SCHEMA, "r1", "abc", "2026-01-01T00:00:00Z", Json.tree("{}"), data, 1000, 2, 2, 1, 2,
        List.of(one, two), 0, 0, INF, INF, eval, eval, Map.of("train", 8.0), null, 2, Map.of());
  }

  @Test
  void nonFiniteFiguresAreTextAndOffTheCharts() {
    RunReport r = diverged();
    Map<String, byte[]> charts = Charts.forEpochs(r.epochs());
    assertEquals(3, charts.size());
    String html = ReportHtml.render(r, charts);
    assertTrue(html.contains("validation perplexity <b>Infinity</b>, test perplexity <b>Infinity</b>"), html);
    assertTrue(html.contains("<td>NaN</td>"), "epoch 2's train NLL as text");

    var xy = Charts.charts(r.epochs());
    var val = xy.get("Perplexity").getSeriesMap().get("validation, per epoch");
    assertArrayEquals(new double[] {1}, val.getXData(), "epoch 2's validation is not drawn");
    var train = xy.get("Perplexity").getSeriesMap().get("train, exp(NLL) per round");
    assertEquals(5, train.getXData().length, "4 rounds of epoch 1 and the finite one of epoch 2");
    assertTrue(html.contains("Not drawn"), "the page says what the charts leave out");
  }

  /** A gradient-sharing run: the rounds' and epochs' training NLL are not observed. */
  static RunReport sharing() {
    RunReport d = diverged();
    List<RoundMetrics> rounds = List.of(new RoundMetrics(1, 1, 350, null, 2, 1.0, 0.5), new RoundMetrics(1, 2, 350, null, 2, 1.0, 0.5));
    EpochMetrics one = new EpochMetrics(1, 0.5, null, null, 300, 2.0, 350, false, 0, 700, 2, rounds);
    return new RunReport(d.schema(), d.runId(), d.gitCommit(), d.finishedAt(), d.config(), d.data(), d.parameters(), 2, 2, 2, 2,
        List.of(one), 0, 0, 310, 320, d.valid(), d.test(), d.wallSeconds(), d.pointer(), d.bestEpoch(),
        Map.of("train_nll", "nothing came back"));
  }

  @Test
  void aFigureNotObservedIsNaWithItsReasonAndNoPointsNorNotDrawnNotice() {
    RunReport r = sharing();
    String html = ReportHtml.render(r, Charts.forEpochs(r.epochs()));
    assertTrue(html.contains("<td>n/a</td><td>n/a</td>"), "epoch 1's train NLL and ppl");
    assertTrue(html.contains("Not observed (n/a): train_nll, because nothing came back."), html);
    assertFalse(html.contains("Not drawn"), "a figure not observed is no non-finite figure");
    assertNull(Charts.charts(r.epochs()).get("Perplexity").getSeriesMap().get("train, exp(NLL) per round"), "no training curve");
    assertTrue(ReportWriter.csv(r.epochs()).contains("\n1,0.5,,,300.0,"), ReportWriter.csv(r.epochs()));
    RunReport back = Json.parse(Json.pretty(r), RunReport.class, "report.json");
    assertNull(back.epochs().get(0).trainNll());
    assertEquals(r.unobserved(), back.unobserved());
  }

  @Test
  void reportJsonKeepsNonFiniteFigures() {
    RunReport back = Json.parse(Json.pretty(diverged()), RunReport.class, "report.json");
    assertEquals(INF, back.validPpl());
    assertTrue(Double.isNaN(back.epochs().get(1).trainNll()));
  }
}
