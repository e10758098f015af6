package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.batch.PrepareJob;
import dev.awdlm.batch.PrepareStats;
import dev.awdlm.batch.StreamExporter;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunLayout;
import dev.awdlm.testing.TestFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.common.loader.Source;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/** A run prepared from the tiny corpus under a test's temporary directory, and what tests compare it with. */
final class TinyRun {
  final Path tmp;
  final RunLayout layout;
  final PrepareStats prepared;

  TinyRun(Path tmp, JavaSparkContext sc) {
    this.tmp = tmp;
    TestFiles.corpus("tiny", tmp.resolve("corpus"));
    AwdlmConfig config = config();
    layout = RunLayout.of(config.output(), "c");
    prepared = PrepareJob.run(config, sc, layout);
  }

  /** tiny.conf on this run's corpus, with the overrides. */
  AwdlmConfig config(String... overrides) {
    Path corpus = tmp.resolve("corpus");
    List<String> all = new ArrayList<>(List.of(
        "data.train=" + corpus.resolve("train.txt").toUri(), "data.valid=" + corpus.resolve("valid.txt").toUri(),
        "data.test=" + corpus.resolve("test.txt").toUri(), "output.dir=" + tmp.resolve("runs").toUri()));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(TestFiles.copyResource("it/tiny.conf", tmp.resolve("tiny.conf")).toFile(), all);
  }

  Path runDir() {
    return tmp.resolve("runs/c");
  }

  List<String> trainFiles(Configuration conf) {
    return HadoopFs.listFiles(layout.batches("train"), StreamExporter.SUFFIX, conf).stream()
        .map(org.apache.hadoop.fs.Path::toString).toList();
  }

  static DataSet load(String path, Configuration conf) {
    org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
    try (InputStream in = HadoopFs.fs(p, conf).open(p)) {
      DataSet ds = new DataSet();
      ds.load(in);
      return ds;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * {@code net} fitted on one JVM, DataSet by DataSet, in the order the trainer visits them in
   * {@code epoch}, loaded and listened to as a worker does (variable-length windows and their rates
   * when the config has them), at the config's first learning rate.
   */
  MultiLayerNetwork fitAlone(MultiLayerNetwork net, AwdlmConfig config, int epoch, Configuration conf) {
    if (TrainingMasters.variableBptt(config.model(), config.train())) {
      net.setListeners(new VariableBpttRate(config.train().lr(), config.train().bptt()));
    }
    var loader = TrainingMasters.loader(config.model(), config.train(), epoch);
    try {
      for (String f : Trainer.shuffled(trainFiles(conf), config.train().seed() + epoch)) net.fit(loader.load(source(f, conf)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return net;
  }

  /** A DataSet file as dl4j-spark's workers see it: its path as given, its bytes through Hadoop. */
  static Source source(String path, Configuration conf) {
    return new Source() {
      @Override
      public InputStream getInputStream() throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        return HadoopFs.fs(p, conf).open(p);
      }

      @Override
      public String getPath() {
        return path;
      }
    };
  }

  static void assertClose(INDArray expected, INDArray actual, String what) {
    double norm = expected.norm2Number().doubleValue();
    double err = expected.sub(actual).norm2Number().doubleValue();
    assertTrue(err <= 1e-5 * norm, what + ": error " + err + " against norm " + norm);
  }
}
