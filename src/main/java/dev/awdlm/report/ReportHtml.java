package dev.awdlm.report;

import dev.awdlm.batch.PrepareStats;
import dev.awdlm.train.EpochMetrics;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code report.html}: one self-contained page (charts embedded as PNG data URIs) that a person can
 * open from HDFS or a browser download without any other file.
 */
public final class ReportHtml {
  private ReportHtml() {}

  public static String render(RunReport r, Map<String, byte[]> charts) {
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>awdlm run ")
        .append(esc(r.runId())).append("</title>\n<style>\n")
        .append("body{font-family:sans-serif;margin:2em auto;max-width:1000px;color:#222}")
        .append("table{border-collapse:collapse;margin:0.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}")
        .append("th{background:#f2f2f2}td.l,th.l{text-align:left}img{display:block;margin:0.5em 0;border:1px solid #ddd}")
        .append(".big{font-size:1.4em}\n</style></head>\n<body>\n");
    h.append("<h1>awdlm run ").append(esc(r.runId())).append("</h1>\n");
    h.append("<p class=\"big\">validation perplexity <b>").append(f2(r.validPpl())).append("</b>, test perplexity <b>")
        .append(f2(r.testPpl())).append("</b> (the model of epoch ").append(r.bestEpoch()).append(", the best by validation)</p>\n");
    h.append("<p>").append(r.parameters()).append(" parameters, ").append(r.epochs().size()).append(" epoch(s), ")
        .append(r.workers()).append(" worker(s) trained (").append(r.plannedWorkers()).append(" planned) on ").append(r.executors()).append(" executor(s) / ").append(r.cores())
        .append(" core(s). NT-ASGD: ").append(r.asgdTriggerEpoch() > 0 ? "averaging after epoch " + r.asgdTriggerEpoch() : "not triggered")
        .append(". Rollbacks: ").append(r.rollbacks()).append(". Commit ").append(esc(r.gitCommit())).append(", finished ")
        .append(esc(r.finishedAt())).append(".</p>\n");

    h.append("<h2>Charts</h2>\n");
    List<String> notDrawn = Charts.notDrawn(r.epochs());
    if (!notDrawn.isEmpty()) {
      h.append("<p>Not drawn, because not finite: ").append(esc(String.join("; ", notDrawn))).append(".</p>\n");
    }
    for (Map.Entry<String, byte[]> c : charts.entrySet()) {
      h.append("<img class=\"chart\" alt=\"").append(esc(c.getKey())).append("\" width=\"").append(Charts.WIDTH)
          .append("\" height=\"").append(Charts.HEIGHT).append("\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(c.getValue())).append("\">\n");
    }

    epochs(h, r);

    finalEvaluation(h, r);

    h.append("<h2>Data</h2>\n<table><tr><th class=\"l\">split</th><th>files</th><th>bytes</th><th>lines</th><th>tokens</th>")
        .append("<th>OOV</th><th>streams</th><th>DataSet files</th></tr>\n");
    for (Map.Entry<String, PrepareStats.SplitStats> s : r.data().splits().entrySet()) {
      PrepareStats.SplitStats v = s.getValue();
      h.append("<tr><td class=\"l\">").append(esc(s.getKey())).append("</td><td>").append(v.files().size()).append("</td><td>")
          .append(v.bytes()).append("</td><td>").append(v.lines()).append("</td><td>").append(v.tokens()).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.2f%%", 100 * v.oovRate())).append("</td><td>").append(v.streams())
          .append("</td><td>").append(v.dataSetFiles()).append("</td></tr>\n");
    }
    h.append("</table>\n<p>Tokenizer ").append(esc(r.data().tokenizer())).append(", vocabulary ").append(r.data().vocabSize())
        .append(" tokens.</p>\n");

    h.append("<h2>Wall time</h2>\n<table><tr><th class=\"l\">stage</th><th>seconds</th></tr>\n");
    for (Map.Entry<String, Double> w : r.wallSeconds().entrySet()) {
      h.append("<tr><td class=\"l\">").append(esc(w.getKey())).append("</td><td>")
          .append(String.format(Locale.ROOT, "%.1f", w.getValue())).append("</td></tr>\n");
    }
    h.append("</table>\n<h2>Configuration</h2>\n<pre>").append(esc(r.config().toPrettyString())).append("</pre>\n");
    // Marks the page with how many charts decoded, for headless checks (the browser test reads it).
    h.append("<script>window.addEventListener('load',function(){var n=0;document.querySelectorAll('img.chart')")
        .append(".forEach(function(i){if(i.complete&&i.naturalWidth>0)n++;});document.body.setAttribute('data-charts-loaded',n);});")
        .append("</script>\n</body></html>\n");
    return h.toString();
  }

  private static void epochs(StringBuilder h, RunReport r) {
    h.append("<h2>Epochs</h2>\n<p>Train NLL: the mean NLL per trained token, without AR, TAR or weight decay, under training")
        .append(" dropout; train ppl is its exp. report.json holds every round.</p>\n");
    if (r.unobserved() != null) {
      r.unobserved().forEach((figure, why) -> h.append("<p>Not observed (n/a): ").append(esc(figure)).append(", because ")
          .append(esc(why)).append(".</p>\n"));
    }
    h
        .append("<table><tr><th>epoch</th><th>lr</th><th>train NLL</th><th>train ppl</th><th>val ppl</th>")
        .append("<th>seconds</th><th>tokens</th><th>tokens/s</th><th>workers</th><th>averaged</th><th>rollbacks</th></tr>\n");
    for (EpochMetrics e : r.epochs()) {
      h.append("<tr><td>").append(e.epoch()).append("</td><td>").append(String.format(Locale.ROOT, "%.4g", e.lr()))
          .append("</td><td>").append(e.trainNll() == null ? "n/a" : String.format(Locale.ROOT, "%.4f", e.trainNll()))
          .append("</td><td>").append(e.trainPpl() == null ? "n/a" : f2(e.trainPpl()))
          .append("</td><td>").append(f2(e.valPpl())).append("</td><td>").append(String.format(Locale.ROOT, "%.1f", e.seconds()))
          .append("</td><td>").append(e.tokens()).append("</td><td>").append(String.format(Locale.ROOT, "%.0f", e.tokensPerS()))
          .append("</td><td>").append(e.workers()).append("</td><td>").append(e.asgd() ? "yes" : "no").append("</td><td>")
          .append(e.rollbacks()).append("</td></tr>\n");
    }
    h.append("</table>\n");
  }

  private static void finalEvaluation(StringBuilder h, RunReport r) {
    h.append("<h2>Final evaluation</h2>\n<table><tr><th class=\"l\">split</th><th>perplexity</th><th>tokens</th>")
        .append("<th>chunks</th><th>tasks</th><th>warm-up tokens</th><th>tokens/s</th></tr>\n");
    evaluation(h, "valid", r.valid());
    evaluation(h, "test", r.test());
    h.append("</table>\n");
    RunReport.Pointer p = r.pointer();
    if (p == null) return;
    h.append("<p>With the continuous cache pointer (window ").append(p.window()).append(", theta ").append(p.theta())
        .append(", lambda ").append(p.lambda()).append(p.tuned() ? ", both chosen on the validation split" : "")
        .append("): validation perplexity <b>").append(f2(p.validPpl())).append("</b>, test perplexity <b>")
        .append(f2(p.testPpl())).append("</b>.</p>\n");
  }

  private static void evaluation(StringBuilder h, String split, RunReport.Evaluation e) {
    h.append("<tr><td class=\"l\">").append(split).append("</td><td>").append(f2(e.perplexity())).append("</td><td>")
        .append(e.tokens()).append("</td><td>").append(e.chunks()).append("</td><td>").append(e.tasks()).append("</td><td>")
        .append(e.warmupTokens()).append("</td><td>").append(String.format(Locale.ROOT, "%.0f", e.tokensPerS()))
        .append("</td></tr>\n");
  }

  private static String f2(double v) {
    return String.format(Locale.ROOT, "%.2f", v);
  }

  static String esc(String s) {
    if (s == null) return "";
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> b.append("&lt;");
        case '>' -> b.append("&gt;");
        case '&' -> b.append("&amp;");
        case '"' -> b.append("&quot;");
        case '\'' -> b.append("&#39;");
        default -> b.append(c);
      }
    }
    return b.toString();
  }
}
