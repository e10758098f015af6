package dev.awdlm.report;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import org.apache.hadoop.conf.Configuration;

/** Writes a run's report files atomically. */
public final class ReportWriter {

  private ReportWriter() {}

  public static void write(RunLayout layout, RunReport report, Configuration conf) {
    HadoopFs.writeAtomically(layout.report(), conf, Json.pretty(report));
  }
}
