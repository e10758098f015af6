package dev.awdlm.report;

import dev.awdlm.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;

/** The report's charts, drawn with XChart as PNG bytes. */
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
    XYChart ppl = chart("Perplexity by epoch", "perplexity");
    series(ppl, "train (loss incl. AR/TAR/L2)", epochs, EpochMetrics::trainPpl);
    series(ppl, "validation", epochs, EpochMetrics::valPpl);
    charts.put("Perplexity by epoch", png(ppl));
    XYChart speed = chart("Training throughput", "tokens/s");
    series(speed, "tokens/s", epochs, EpochMetrics::tokensPerS);
    charts.put("Training throughput", png(speed));
    XYChart lr = chart("Learning rate", "learning rate");
    series(lr, "lr", epochs, EpochMetrics::lr);
    charts.put("Learning rate", png(lr));
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

  private static void series(XYChart chart, String name, List<EpochMetrics> epochs, ToDoubleFunction<EpochMetrics> y) {
    double[] xs = epochs.stream().mapToDouble(EpochMetrics::epoch).toArray();
    double[] ys = epochs.stream().mapToDouble(y).toArray();
    chart.addSeries(name, xs, ys);
  }

  public static byte[] png(XYChart chart) {
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render chart " + chart.getTitle(), e);
    }
  }
}
