package dev.awdlm.bench;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.model.FusedLstm;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * One benchmark's figures, in insertion order, published as a single-line JSON object. Every
 * result names the libnd4j build that produced it ({@code "libnd4j": "onednn"} or {@code
 * "generic"}): the same code trains and evaluates at different speeds on the two.
 */
public final class BenchResult {
  private final String name;
  private final Map<String, Object> values = new LinkedHashMap<>();

  public BenchResult(String name) {
    if (!name.matches("[a-z][a-z0-9_-]*")) throw new IllegalArgumentException("bad bench name: " + name);
    this.name = name;
    values.put("bench", name);
    values.put("libnd4j", FusedLstm.oneDnnBuild() ? "onednn" : "generic");
  }

  public BenchResult put(String key, Object value) {
    values.put(key, value instanceof Double d ? round(d) : value);
    return this;
  }

  public String name() {
    return name;
  }

  public Map<String, Object> values() {
    return values;
  }

  public String toJson() {
    return Json.line(values);
  }

  /** Writes {@code <outputDir>/bench/<name>.json} atomically, then prints the JSON as stdout's last line. */
  public Path publish(Path outputDir, Configuration conf, PrintStream out) {
    Path target = RunLayout.benchResult(outputDir, name);
    HadoopFs.mkdirs(target.getParent(), conf);
    String json = toJson();
    HadoopFs.writeAtomically(target, conf, json + "\n");
    out.println("wrote " + target);
    out.println(json);
    out.flush();
    return target;
  }

  /** Four significant digits are plenty for timings and keep the JSON line readable. */
  private static double round(double v) {
    if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return v;
    return new java.math.BigDecimal(v).round(new java.math.MathContext(4)).doubleValue();
  }
}
