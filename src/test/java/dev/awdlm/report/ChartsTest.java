package dev.awdlm.report;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.train.EpochMetrics;
import dev.awdlm.train.RoundMetrics;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;

/** What the report's charts plot, read off the charts before they are rendered. */
class ChartsTest {
  /** One epoch of four rounds, the last a short one (half the tokens of the others). */
  static EpochMetrics oneEpoch() {
    List<RoundMetrics> rounds = List.of(
        new RoundMetrics(1, 1, 200, Math.log(900), 2, 2.0, 0.5),
        new RoundMetrics(1, 2, 200, Math.log(600), 2, 2.0, 0.5),
        new RoundMetrics(1, 3, 200, Math.log(400), 2, 1.0, 0.5),
        new RoundMetrics(1, 4, 100, Math.log(300), 1, 1.0, 0.5));
    return new EpochMetrics(1, 0.5, Math.log(500), 500.0, 350, 6.0, 700 / 6.0, false, 0, 700, 2, rounds);
  }

  private static XYSeries series(XYChart chart, String prefix) {
    return chart.getSeriesMap().entrySet().stream().filter(e -> e.getKey().startsWith(prefix)).findFirst().orElseThrow().getValue();
  }

  @Test
  void aOneEpochRunIsACurveOfRoundsAtTheShareOfTheEpochTrained() {
    var charts = Charts.charts(List.of(oneEpoch()));
    XYSeries train = series(charts.get("Perplexity"), "train");
    assertArrayEquals(new double[] {2 / 7.0, 4 / 7.0, 6 / 7.0, 1}, train.getXData(), 1e-12);
    assertArrayEquals(new double[] {900, 600, 400, 300}, train.getYData(), 1e-9);
    XYSeries val = series(charts.get("Perplexity"), "validation");
    assertArrayEquals(new double[] {1}, val.getXData());
    assertArrayEquals(new double[] {350}, val.getYData());
    assertArrayEquals(new double[] {100, 100, 200, 100}, series(charts.get("Training throughput"), "tokens/s").getYData(), 1e-9);
    assertEquals(4, series(charts.get("Learning rate"), "lr").getXData().length);
  }

  @Test
  void thePerplexityAxisIsLogarithmicOnlyWhenItSpansADecadeBecauseXChartLabelsPowersOfTenAlone() {
    XYChart narrow = Charts.charts(List.of(oneEpoch())).get("Perplexity"); // 300 to 900
    assertFalse(narrow.getStyler().isYAxisLogarithmic());
    assertEquals("perplexity", narrow.getYAxisTitle());
    EpochMetrics e = oneEpoch();
    List<RoundMetrics> wideRounds = new java.util.ArrayList<>(e.rounds());
    wideRounds.set(0, new RoundMetrics(1, 1, 200, Math.log(9000), 2, 2.0, 0.5));
    EpochMetrics wide = new EpochMetrics(1, 0.5, Math.log(500), 500.0, 350, 6.0, 700 / 6.0, false, 0, 700, 2, wideRounds);
    XYChart log = Charts.charts(List.of(wide)).get("Perplexity"); // 300 to 9,000
    assertTrue(log.getStyler().isYAxisLogarithmic());
    assertEquals("perplexity (log scale)", log.getYAxisTitle());
  }
}
