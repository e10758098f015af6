package dev.awdlm.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.conf.Configuration;

/** Writes a run's report files atomically. */
public final class ReportWriter {
  private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ReportWriter() {}

  public static void write(RunLayout layout, RunReport report, Configuration conf) {
    try {
      HadoopFs.writeAtomically(layout.report(), conf, JSON.writeValueAsString(report) + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
