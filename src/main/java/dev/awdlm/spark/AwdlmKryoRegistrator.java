package dev.awdlm.spark;

import com.esotericsoftware.kryo.Kryo;
import java.util.List;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.kryo.Nd4jSerializer;

/**
 * Registers every class awdlm sends through Kryo. nd4j-kryo 1.0.0-M2 ships the serializer but no
 * registrator, so this one binds ND4J's concrete array classes to {@link Nd4jSerializer} (Kryo's
 * default field serializer would copy raw off-heap pointers). With registration required, a class
 * missing here fails loudly in tests instead of silently writing its full name into every record.
 */
public final class AwdlmKryoRegistrator implements KryoRegistrator {

  /** Concrete INDArray classes of whichever ND4J backend is on the classpath. */
  private static final List<String> ND4J_ARRAYS = List.of(
      "org.nd4j.linalg.cpu.nativecpu.NDArray",
      "org.nd4j.linalg.jcublas.JCublasNDArray");

  /** Classes without a no-arg constructor or with transient state: Java serialization is correct. */
  private static final List<String> JAVA_SERIALIZED = List.of(
      "dev.awdlm.io.SerializableHadoopConf",
      "dev.awdlm.score.ScoringModel",
      "dev.awdlm.spark.BroadcastNetwork",
      "org.deeplearning4j.spark.api.worker.NetBroadcastTuple",
      "org.datavec.spark.util.SerializableHadoopConfig",
      // gradient sharing (SharedTrainingMaster): its broadcast configuration and the workers' results
      "org.deeplearning4j.spark.parameterserver.conf.SharedTrainingConfiguration",
      "org.deeplearning4j.spark.parameterserver.training.SharedTrainingResult",
      "org.deeplearning4j.spark.parameterserver.accumulation.SharedTrainingAccumulationTuple");

  /** awdlm's records that cross the wire (Kryo 4 cannot field-serialize records). */
  private static final List<String> RECORDS = List.of(
      "dev.awdlm.corpus.TokenCount",
      "dev.awdlm.batch.Segment",
      "dev.awdlm.batch.EncodedChunk",
      "dev.awdlm.batch.TokenizedChunk",
      "dev.awdlm.corpus.Utf8$Line",
      "dev.awdlm.corpus.VocabularyBuilder$Summary",
      "dev.awdlm.eval.Perplexity",
      "dev.awdlm.eval.PerplexityEvaluator$Chunk",
      "dev.awdlm.eval.PerplexityEvaluator$Scored",
      "dev.awdlm.eval.PerplexityEvaluator$PointerGrid");

  private static final List<String> FIELD_SERIALIZED = List.of(
      "dev.awdlm.corpus.Vocabulary",
      "dev.awdlm.eval.CachePointer$Grid",
      "dev.awdlm.corpus.TokenCount[]",
      "dev.awdlm.corpus.VocabularyBuilder$Summary[]",
      "dev.awdlm.batch.Segment[]",
      "dev.awdlm.batch.EncodedChunk[]",
      "dev.awdlm.batch.TokenizedChunk[]",
      "dev.awdlm.train.WindowNll",
      "org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingResult",
      "org.deeplearning4j.spark.impl.paramavg.aggregator.ParameterAveragingAggregationTuple",
      "org.deeplearning4j.spark.api.stats.SparkTrainingStats",
      // train.collectStats
      "org.deeplearning4j.spark.api.stats.CommonSparkTrainingStats",
      "org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingWorkerStats",
      "org.deeplearning4j.spark.impl.paramavg.stats.ParameterAveragingTrainingMasterStats",
      "org.deeplearning4j.spark.stats.BaseEventStats",
      "org.deeplearning4j.spark.stats.ExampleCountEventStats",
      "org.deeplearning4j.spark.stats.PartitionCountEventStats",
      "java.util.LinkedHashSet",
      "java.util.HashSet",
      "org.nd4j.linalg.dataset.DataSet",
      "java.util.ArrayList",
      "java.util.Collections$EmptyList",
      "java.util.Collections$SingletonList",
      "java.util.HashMap",
      "java.util.LinkedHashMap",
      "java.lang.Long",
      "java.lang.Integer",
      "java.lang.String[]",
      "int[]",
      "long[]",
      "double[]",
      "float[]",
      "byte[]",
      "java.lang.Object[]",
      "scala.collection.mutable.WrappedArray$ofRef",
      "scala.collection.mutable.WrappedArray$ofInt",
      "scala.reflect.ClassTag$GenericClassTag",
      "org.apache.spark.util.collection.CompactBuffer",
      "org.apache.spark.util.collection.CompactBuffer[]",
      // Parquet schema inference collects StructTypes; Spark registers the other atomic types itself
      "org.apache.spark.sql.types.BooleanType$");

  @Override
  public void registerClasses(Kryo kryo) {
    Nd4jSerializer nd4j = new Nd4jSerializer();
    for (String name : ND4J_ARRAYS) {
      Class<?> c = load(name, kryo);
      if (c != null) kryo.register(c, nd4j);
    }
    for (String name : JAVA_SERIALIZED) {
      Class<?> c = load(name, kryo);
      if (c != null) kryo.register(c, new ClassLoaderJavaSerializer());
    }
    for (String name : RECORDS) {
      Class<?> c = load(name, kryo);
      if (c != null) kryo.register(c, recordSerializer(c));
    }
    for (String name : FIELD_SERIALIZED) {
      Class<?> c = load(name, kryo);
      if (c != null) kryo.register(c);
    }
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static RecordSerializer<?> recordSerializer(Class<?> c) {
    return new RecordSerializer(c.asSubclass(Record.class));
  }

  /** A class of another backend, or one a later stage adds, may be absent: skip it. */
  private static Class<?> load(String name, Kryo kryo) {
    ClassLoader loader = kryo.getClassLoader();
    try {
      return switch (name) {
        case "int[]" -> int[].class;
        case "long[]" -> long[].class;
        case "double[]" -> double[].class;
        case "float[]" -> float[].class;
        case "byte[]" -> byte[].class;
        default -> name.endsWith("[]")
            ? java.lang.reflect.Array.newInstance(Class.forName(name.substring(0, name.length() - 2), false, loader), 0).getClass()
            : Class.forName(name, false, loader);
      };
    } catch (ClassNotFoundException | LinkageError e) {
      return null;
    }
  }
}
