package dev.awdlm.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.RunLayout;
import dev.awdlm.pipeline.Pipeline;
import dev.awdlm.testing.MiniDfsExtension;
import dev.awdlm.testing.MiniDfsExtension.Hdfs;
import dev.awdlm.testing.Processes;
import dev.awdlm.testing.SparkExtension;
import dev.awdlm.testing.TestFiles;
import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report set of a real two-epoch run: rendered by a real headless Chromium, and rewritten on
 * HDFS while another thread reads it.
 */
@ExtendWith({SparkExtension.class, MiniDfsExtension.class})
class ReportIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir static Path tmp;
  static RunReport report;

  @BeforeAll
  static void run(JavaSparkContext sc) {
    Path corpus = TestFiles.corpus("tiny", tmp.resolve("corpus"));
    AwdlmConfig config = ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf")).toFile(), List.of(
        "data.train=" + corpus.resolve("train.txt").toUri(), "data.valid=" + corpus.resolve("valid.txt").toUri(),
        "data.test=" + corpus.resolve("test.txt").toUri(), "output.dir=" + tmp.resolve("runs").toUri(), "train.epochs=2"));
    report = Pipeline.run(config, RunLayout.of(config.output(), "r1"), sc);
  }

  /** Debian's chromium, which .ci/run installs. */
  private static String chromium() {
    for (String c : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser"}) {
      if (Files.isExecutable(Path.of(c))) return c;
    }
    throw new AssertionError("Chromium is not installed: apt-get install chromium (.ci/run does)");
  }

  private static Processes.Result chrome(String... args) {
    List<String> cmd = new ArrayList<>(List.of(chromium(), "--headless", "--no-sandbox", "--disable-gpu",
        "--user-data-dir=" + tmp.resolve("chrome-profile"), "--hide-scrollbars"));
    cmd.addAll(List.of(args));
    Processes.Result r = Processes.run(cmd, Map.of(), 120);
    assertEquals(0, r.exitCode(), r.describe());
    return r;
  }

  @Test
  void theHtmlReportRendersItsChartsInHeadlessChromium() throws Exception {
    Path html = tmp.resolve("runs/r1/report/report.html");
    String url = html.toUri().toString();

    Processes.Result dom = chrome("--virtual-time-budget=10000", "--dump-dom", url);
    Matcher loaded = Pattern.compile("data-charts-loaded=\"(\\d+)\"").matcher(dom.output());
    assertTrue(loaded.find(), "the page's load handler ran:\n" + tail(dom.output()));
    assertEquals(3, Integer.parseInt(loaded.group(1)), "all three charts decoded");
    assertEquals(3, Pattern.compile("<img class=\"chart\"").matcher(dom.output()).results().count());

    Path shot = tmp.resolve("report.png");
    chrome("--window-size=1000,1400", "--screenshot=" + shot, url);
    BufferedImage img = ImageIO.read(shot.toFile());
    assertEquals(1000, img.getWidth());
    long ink = 0;
    Set<Integer> colours = new HashSet<>();
    for (int y = 0; y < img.getHeight(); y += 2) {
      for (int x = 0; x < img.getWidth(); x += 2) {
        int rgb = img.getRGB(x, y) & 0xFFFFFF;
        colours.add(rgb);
        if (rgb != 0xFFFFFF) ink++;
      }
    }
    double inkFraction = ink / (img.getWidth() / 2.0 * img.getHeight() / 2.0);
    assertTrue(inkFraction > 0.03, "the screenshot is not blank: " + inkFraction);
    assertTrue(colours.size() > 50, "text and coloured chart lines, not a flat page: " + colours.size() + " colours");
  }

  @Test
  void readersOnHdfsSeeNoReportOrACompleteOneNeverAPart(Hdfs hdfs) throws Exception {
    FileSystem fs = hdfs.fs();
    var conf = hdfs.conf();
    RunLayout layout = RunLayout.of(new org.apache.hadoop.fs.Path(hdfs.path("/reports")), "r1");
    AtomicBoolean writing = new AtomicBoolean(true);
    AtomicInteger absent = new AtomicInteger();
    AtomicInteger complete = new AtomicInteger();
    List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    Thread reader = new Thread(() -> {
      while (writing.get()) {
        try {
          var success = layout.reportSuccess();
          if (!fs.exists(layout.report())) {
            absent.incrementAndGet();
            continue;
          }
          JsonNode json = readJson(fs, layout.report()); // fails on a partial file
          if (!RunReport.SCHEMA.equals(json.path("schema").asText()) || json.path("epochs").size() != 2) {
            problems.add("incomplete report.json: " + json);
          }
          if (fs.exists(success)) {
            String html = read(fs, new org.apache.hadoop.fs.Path(layout.reportDir(), "report.html"));
            if (!html.endsWith("</html>\n")) problems.add("partial report.html (" + html.length() + " chars)");
            String csv = read(fs, new org.apache.hadoop.fs.Path(layout.reportDir(), "epochs.csv"));
            if (csv.split("\n").length != 3) problems.add("partial epochs.csv: " + csv);
            var index = layout.index();
            if (fs.exists(index) && readJson(fs, index).path("runs").size() != 1) problems.add("index.json without the run");
            complete.incrementAndGet();
          }
        } catch (java.io.FileNotFoundException e) {
          // replaced between exists() and open(): the reader retries, as a poller does
        } catch (Exception e) {
          problems.add(e.toString());
        }
      }
    });
    reader.start();
    Thread.sleep(300);
    for (int i = 0; i < 15; i++) ReportWriter.write(layout, report, conf);
    writing.set(false);
    reader.join();
    assertEquals(List.of(), problems);
    assertTrue(absent.get() > 0, "the reader saw the time before the first report");
    assertTrue(complete.get() > 0, "the reader saw complete reports");
    assertEquals("r1\n", read(fs, layout.latest()));
    for (var status : fs.listStatus(layout.reportDir())) {
      String name = status.getPath().getName();
      assertTrue(Set.of("report.json", "epochs.csv", "report.html", "_SUCCESS").contains(name), "left behind: " + name);
    }
  }

  private static JsonNode readJson(FileSystem fs, org.apache.hadoop.fs.Path p) throws Exception {
    return JSON.readTree(read(fs, p));
  }

  private static String read(FileSystem fs, org.apache.hadoop.fs.Path p) throws Exception {
    try (InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  private static String tail(String s) {
    return s.length() > 3000 ? s.substring(s.length() - 3000) : s;
  }
}
