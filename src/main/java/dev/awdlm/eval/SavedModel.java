package dev.awdlm.eval;

import com.fasterxml.jackson.databind.JsonNode;
import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.corpus.Vocabulary;
import dev.awdlm.io.HadoopFiles;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.Json;
import dev.awdlm.io.RunLayout;
import java.io.IOException;
import java.io.InputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained model with everything needed to use it on new text, in one directory: {@code model.zip}
 * (ModelSerializer), {@code vocab.tsv} and {@code model.json} (the run's configuration, which names
 * the tokenizer). {@code model.zip} is written last, so its presence means the directory is complete.
 */
public record SavedModel(Path dir, MultiLayerNetwork net, Vocabulary vocab, AwdlmConfig config, String runId) {
  public static final String SCHEMA = "awdlm.model/1";

  /** What {@code model.json} holds. */
  public record Meta(String schema, String runId, long parameters, int vocabSize, String configHash, JsonNode config) {}

  /** Writes the three files into {@code dir}, each atomically, {@code model.zip} last. */
  public static void write(Path dir, MultiLayerNetwork net, Vocabulary vocab, AwdlmConfig config, String runId, Configuration conf) {
    HadoopFs.writeAtomically(new Path(dir, RunLayout.VOCAB_FILE), conf, vocab.toTsv());
    Meta meta = new Meta(SCHEMA, runId, net.numParams(), vocab.size(), config.hash(), Json.tree(config.json()));
    HadoopFs.writeAtomically(new Path(dir, RunLayout.MODEL_META_FILE), conf, Json.pretty(meta));
    HadoopFs.writeAtomically(new Path(dir, RunLayout.MODEL_FILE), conf, out -> ModelSerializer.writeModel(net, out, false));
  }

  /**
   * Loads a saved model from {@code uri}: its directory, its {@code model.zip} (under that name), or
   * a run directory (which holds it in {@code model/}).
   *
   * @param key the option the location came from, named in errors
   */
  public static SavedModel load(String key, String uri, Configuration conf) {
    Path dir = locate(key, uri, conf);
    Path metaFile = new Path(dir, RunLayout.MODEL_META_FILE);
    Path vocabFile = new Path(dir, RunLayout.VOCAB_FILE);
    Path modelFile = new Path(dir, RunLayout.MODEL_FILE);
    for (Path p : new Path[] {metaFile, vocabFile}) {
      if (!HadoopFs.exists(p, conf)) {
        throw new ConfigError(key, uri, p + " is missing: a saved model needs model.zip, vocab.tsv and model.json together");
      }
    }
    Meta meta;
    try {
      meta = Json.read(metaFile, Meta.class, conf);
    } catch (IllegalStateException e) {
      throw new ConfigError(key, metaFile.toString(), e.getMessage());
    }
    if (!SCHEMA.equals(meta.schema()) || meta.config() == null) {
      throw new ConfigError(key, metaFile.toString(), "is not an " + SCHEMA + " file (schema: " + meta.schema() + ")");
    }
    AwdlmConfig config = ConfigLoader.fromJson(meta.config().toString(), metaFile.toString());
    Vocabulary vocab;
    try {
      vocab = Vocabulary.parseTsv(HadoopFs.readUtf8(vocabFile, conf), vocabFile.toString());
    } catch (IllegalArgumentException e) {
      throw new ConfigError(key, vocabFile.toString(), "is not a valid vocabulary: " + e.getMessage());
    }
    MultiLayerNetwork net = loadNetwork(key, modelFile, conf);
    long outputs = outputSize(net);
    if (outputs != vocab.size()) {
      throw new ConfigError(key, vocabFile.toString(), "has " + vocab.size() + " tokens but the model in " + modelFile
          + " predicts " + outputs + ": the vocabulary does not belong to this model");
    }
    return new SavedModel(dir, net, vocab, config, meta.runId());
  }

  /** Tokens the network predicts over: the output width of a one-token forward pass. */
  static long outputSize(MultiLayerNetwork net) {
    long size = net.output(org.nd4j.linalg.factory.Nd4j.zeros(org.nd4j.linalg.api.buffer.DataType.FLOAT, 1, 1, 1)).size(1);
    net.rnnClearPreviousState();
    return size;
  }

  /** Loads a ModelSerializer zip; a missing or damaged file is a clear error naming it. */
  public static MultiLayerNetwork loadNetwork(String key, Path model, Configuration conf) {
    if (!HadoopFs.exists(model, conf)) throw new ConfigError(key, model.toString(), "no such model file");
    try (InputStream in = HadoopFiles.open(model, conf)) {
      return ModelSerializer.restoreMultiLayerNetwork(in, false);
    } catch (IOException | RuntimeException e) {
      throw new ConfigError(key, model.toString(), "is not a readable model (corrupt or truncated?): " + e.getMessage());
    }
  }

  private static Path locate(String key, String uri, Configuration conf) {
    Path p = HadoopFs.location(key, uri);
    if (p.getName().endsWith(".zip")) {
      // The zip only locates the directory, whose model.zip is loaded: any other name would be swapped for it.
      if (!p.getName().equals(RunLayout.MODEL_FILE)) {
        throw new ConfigError(key, uri, "is not a saved model: its network is " + RunLayout.MODEL_FILE + ", next to "
            + RunLayout.VOCAB_FILE + " and " + RunLayout.MODEL_META_FILE + "; give that file or its directory");
      }
      if (!HadoopFs.exists(p, conf)) throw new ConfigError(key, uri, "no such file");
      return p.getParent();
    }
    if (HadoopFs.exists(new Path(p, RunLayout.MODEL_FILE), conf)) return p;
    Path inRun = new Path(p, RunLayout.MODEL_DIR);
    if (HadoopFs.exists(new Path(inRun, RunLayout.MODEL_FILE), conf)) return inRun;
    throw new ConfigError(key, uri, "holds no saved model (neither " + RunLayout.MODEL_FILE + " nor " + RunLayout.MODEL_DIR + "/"
        + RunLayout.MODEL_FILE + ")");
  }
}
