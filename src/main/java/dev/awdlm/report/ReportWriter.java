package dev.awdlm.report;

import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import dev.awdlm.train.EpochMetrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a run's report set under {@code <run>/report/}: {@code report.json}, {@code epochs.csv},
 * {@code report.html}, then {@code _SUCCESS}. Every file is written under a hidden temporary name
 * and renamed into place, so a reader sees a whole file or none. {@code _SUCCESS} comes last and
 * is removed first when a report is rewritten: readers that wait for it see a complete set. Only
 * then are {@code <output.dir>/latest} and {@code <output.dir>/index.json} replaced.
 */
public final class ReportWriter {
  private static final Logger LOG = LoggerFactory.getLogger(ReportWriter.class);
  public static final String INDEX_SCHEMA = "awdlm.index/1";
  /** A rewrite is needed only when another run finished or wrote meanwhile, so a few suffice. */
  private static final int MAX_INDEX_WRITES = 10;

  private ReportWriter() {}

  /** One finished run in {@code index.json}. */
  public record IndexEntry(String runId, String finishedAt, double validPpl, double testPpl, String report) {}

  /** The content of {@code index.json}: every run under the output directory with a complete report. */
  public record Index(String schema, String latest, List<IndexEntry> runs) {}

  public static void write(RunLayout layout, RunReport report, Configuration conf) {
    HadoopFs.deleteRecursively(layout.reportSuccess(), conf);
    HadoopFs.writeAtomically(layout.report(), conf, Json.pretty(report));
    HadoopFs.writeAtomically(layout.epochsCsv(), conf, csv(report.epochs()));
    Map<String, byte[]> charts = Charts.forEpochs(report.epochs());
    HadoopFs.writeAtomically(layout.reportHtml(), conf, ReportHtml.render(report, charts));
    HadoopFs.writeAtomically(layout.reportSuccess(), conf, "");
    HadoopFs.writeAtomically(layout.latest(), conf, layout.runId() + "\n");
    Index index = publishIndex(layout, conf);
    LOG.info("report: {} ({} runs in {})", layout.reportDir(), index.runs().size(), layout.index());
  }

  /**
   * Replaces {@code index.json} with the complete reports on disk, {@code layout}'s run the latest.
   * Without a lock: a writer lists, writes, then lists again and reads the index back, and writes
   * again while the index lacks a complete report it saw. Whoever renames last checks after it, so
   * the final index holds every run that finished before, however many finish together.
   */
  static Index publishIndex(RunLayout layout, Configuration conf) {
    Index index = index(layout.outputDir(), layout.runId(), conf);
    for (int attempt = 1; ; attempt++) {
      HadoopFs.writeAtomically(layout.index(), conf, Json.pretty(index));
      Index onDisk = index(layout.outputDir(), layout.runId(), conf);
      Set<String> missing = runIds(onDisk);
      missing.removeAll(runIds(readIndex(layout, conf)));
      if (missing.isEmpty()) return index;
      if (attempt == MAX_INDEX_WRITES) {
        LOG.warn("report: {} still lacks {} after {} writes; the next report rewrites it", layout.index(), missing, attempt);
        return index;
      }
      index = onDisk;
    }
  }

  /** The published index; an unreadable one counts as empty, so it is rewritten. */
  private static Index readIndex(RunLayout layout, Configuration conf) {
    try {
      return Json.read(layout.index(), Index.class, conf);
    } catch (RuntimeException e) {
      return new Index(INDEX_SCHEMA, null, List.of());
    }
  }

  private static Set<String> runIds(Index index) {
    Set<String> ids = new HashSet<>();
    if (index.runs() != null) for (IndexEntry e : index.runs()) ids.add(e.runId());
    return ids;
  }

  /** The epoch rows, with the same column names as report.json (their rounds are in report.json only). */
  static String csv(List<EpochMetrics> epochs) {
    StringBuilder b = new StringBuilder("epoch,lr,train_nll,train_ppl,val_ppl,seconds,tokens_per_s,asgd,rollbacks,tokens,workers\n");
    for (EpochMetrics e : epochs) {
      b.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%s,%s,%b,%d,%d,%d%n", e.epoch(), e.lr(), e.trainNll(), e.trainPpl(),
          e.valPpl(), e.seconds(), e.tokensPerS(), e.asgd(), e.rollbacks(), e.tokens(), e.workers()));
    }
    return b.toString();
  }

  /** Rebuilt from the complete reports on disk rather than edited. */
  static Index index(Path outputDir, String latest, Configuration conf) {
    List<IndexEntry> runs = new ArrayList<>();
    List<FileStatus> entries;
    try {
      entries = HadoopFiles.list(outputDir, conf);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + outputDir, e);
    }
    for (FileStatus entry : entries) {
      String name = entry.getPath().getName();
      if (!entry.isDirectory() || name.startsWith(".") || name.startsWith("_")) continue;
      RunLayout run = RunLayout.listed(entry.getPath());
      if (!HadoopFs.exists(run.reportSuccess(), conf)) continue;
      Path json = run.report();
      try {
        RunReport r = Json.read(json, RunReport.class, conf);
        runs.add(new IndexEntry(r.runId(), r.finishedAt(), r.validPpl(), r.testPpl(), HadoopFs.qualify(json, conf).toString()));
      } catch (RuntimeException e) {
        LOG.warn("report: index: skipping {}: {}", json, e.getMessage());
      }
    }
    runs.sort(Comparator.comparing(IndexEntry::finishedAt, Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(IndexEntry::runId));
    return new Index(INDEX_SCHEMA, latest, runs);
  }
}
