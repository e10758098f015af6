package dev.awdlm.report;

import dev.awdlm.train.EpochMetrics;
import dev.awdlm.train.RoundMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.Marker;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * The report's charts, drawn with XChart as PNG bytes. Training figures are drawn per averaging
 * round, at the fraction of its epoch's tokens trained by the end of the round, so that even a
 * one-epoch run draws a curve; validation is one point per epoch.
 */
public final class Charts {
  static final int WIDTH = 760;
  static final int HEIGHT = 380;

  static {
    // Reports are written on drivers without a display.
    System.setProperty("java.awt.headless", "true");
  }

  private Charts() {}

  /** Title → PNG, in the order the report shows them. */
  public static Map<String, byte[]> forEpochs(List<EpochMetrics> epochs) {
    Map<String, byte[]> charts = new LinkedHashMap<>();
    charts(epochs).forEach((title, chart) -> charts.put(title, png(chart)));
    return charts;
  }

  /** Title → chart, before rendering. */
  static Map<String, XYChart> charts(List<EpochMetrics> epochs) {
    List<Point<RoundMetrics>> rounds = rounds(epochs);
    Map<String, XYChart> charts = new LinkedHashMap<>();
    XYChart ppl = chart("Perplexity", "perplexity");
    // a round whose NLL was not observed (gradient sharing) has no point: NaN is left out like any non-finite figure
    series(ppl, "train, exp(NLL) per round", rounds, r -> r.nll() == null ? Double.NaN : Math.exp(r.nll()), SeriesMarkers.NONE);
    List<Point<EpochMetrics>> ends = epochs.stream().map(e -> new Point<>(e.epoch(), e)).toList();
    series(ppl, "validation, per epoch", ends, EpochMetrics::valPpl, SeriesMarkers.CIRCLE);
    perplexityAxis(ppl, "perplexity");
    charts.put("Perplexity", ppl);
    XYChart speed = chart("Training throughput", "tokens/s");
    series(speed, "tokens/s, per round", rounds, r -> r.tokens() / r.seconds(), SeriesMarkers.NONE);
    charts.put("Training throughput", speed);
    XYChart lr = chart("Learning rate", "learning rate");
    series(lr, "lr", rounds, RoundMetrics::lr, SeriesMarkers.NONE);
    charts.put("Learning rate", lr);
    return charts;
  }

  public static XYChart chart(String title, String yAxis) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle("epoch").yAxisTitle(yAxis).build();
    Styler s = chart.getStyler();
    s.setLegendPosition(Styler.LegendPosition.InsideNE);
    s.setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setMarkerSize(7);
    chart.getStyler().setDecimalPattern("#,##0.###");
    return chart;
  }

  /** A value drawn at {@code x}, in epochs. */
  private record Point<T>(double x, T value) {}

  /** Each round at {@code epoch - 1 + (tokens trained so far in the epoch) / (the epoch's tokens)}. */
  private static List<Point<RoundMetrics>> rounds(List<EpochMetrics> epochs) {
    List<Point<RoundMetrics>> points = new ArrayList<>();
    for (EpochMetrics e : epochs) {
      long total = e.rounds().stream().mapToLong(RoundMetrics::tokens).sum();
      long done = 0;
      for (RoundMetrics r : e.rounds()) {
        done += r.tokens();
        points.add(new Point<>(e.epoch() - 1 + (double) done / total, r));
      }
    }
    return points;
  }

  /**
   * The finite points only: XChart refuses NaN and infinity, and a diverged run has them. A series
   * without one finite point is left out, because XChart refuses an empty one too.
   */
  private static <T> void series(XYChart chart, String name, List<Point<T>> points, ToDoubleFunction<T> y, Marker marker) {
    List<double[]> finite = new ArrayList<>();
    for (Point<T> p : points) {
      double v = y.applyAsDouble(p.value());
      if (Double.isFinite(v)) finite.add(new double[] {p.x(), v});
    }
    if (finite.isEmpty()) return;
    chart.addSeries(name, finite.stream().mapToDouble(p -> p[0]).toArray(), finite.stream().mapToDouble(p -> p[1]).toArray())
        .setMarker(marker);
  }

  /**
   * The figures the charts leave out because they are not finite, for the page to name. Figures
   * the run did not observe are not listed: the page gives their reason once.
   */
  public static List<String> notDrawn(List<EpochMetrics> epochs) {
    List<String> out = new ArrayList<>();
    for (EpochMetrics e : epochs) {
      for (RoundMetrics r : e.rounds()) {
        if (r.nll() != null && !Double.isFinite(Math.exp(r.nll()))) out.add("the training NLL of epoch " + e.epoch() + " round " + r.round() + " (" + r.nll() + ")");
      }
      if (!Double.isFinite(e.valPpl())) out.add("the validation perplexity of epoch " + e.epoch() + " (" + e.valPpl() + ")");
    }
    return out;
  }

  public static byte[] png(XYChart chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render chart " + chart.getTitle(), e);
    }
  }

  /**
   * A perplexity axis, logarithmic only when the chart's points span a decade or more: XChart
   * labels a logarithmic axis at powers of ten alone, so a narrower range (300 to 900, say) would
   * show no number on it. Call it after the series are added.
   */
  public static void perplexityAxis(XYChart chart, String title) {
    DoubleSummaryStatistics range = chart.getSeriesMap().values().stream().flatMapToDouble(s -> Arrays.stream(s.getYData()))
        .filter(Double::isFinite).summaryStatistics();
    boolean log = range.getCount() > 0 && range.getMin() > 0 && range.getMax() / range.getMin() >= 10;
    chart.getStyler().setYAxisLogarithmic(log);
    chart.setYAxisTitle(log ? title + " (log scale)" : title);
  }
}
