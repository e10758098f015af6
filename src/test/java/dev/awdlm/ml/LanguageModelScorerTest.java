package dev.awdlm.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.score.TinyModel;
import dev.awdlm.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.feature.SQLTransformer;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The transformer as a Spark ML user meets it: in a Pipeline, saved and loaded, with its schema checks. */
@ExtendWith(SparkExtension.class)
class LanguageModelScorerTest {
  static String model;
  static Dataset<Row> docs;

  @BeforeAll
  static void data(JavaSparkContext sc, SparkSession spark) throws Exception {
    model = TinyModel.run(sc).toUri().toString();
    List<Row> rows = new ArrayList<>();
    List<String> lines = Files.readAllLines(TinyModel.corpus(sc).resolve("test.txt"));
    for (int i = 0; i < 12; i++) rows.add(RowFactory.create("doc-" + i, lines.get(i).toUpperCase()));
    StructType schema = new StructType().add("doc_id", DataTypes.StringType).add("body", DataTypes.StringType);
    docs = spark.createDataFrame(rows, schema).repartition(3);
  }

  private static LanguageModelScorer scorer() {
    return new LanguageModelScorer().setModelUri(model).setInputCol("body").setOutputCol("score").setIdCol("doc_id")
        .setMaxTokens(12).setBatchSize(3);
  }

  @Test
  void roundTripsThroughSaveAndLoadInsideAPipeline(@TempDir Path tmp) throws Exception {
    // The model was trained on lower-case text: the pipeline's first stage lowercases it.
    SQLTransformer lower = new SQLTransformer().setStatement("SELECT doc_id, lower(body) AS body FROM __THIS__");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {lower, scorer()});
    PipelineModel fitted = pipeline.fit(docs);
    List<Row> before = sorted(fitted.transform(docs));

    String path = tmp.resolve("pipeline-model").toUri().toString();
    fitted.save(path);
    PipelineModel loaded = PipelineModel.load(path);
    LanguageModelScorer stage = (LanguageModelScorer) loaded.stages()[1];
    LanguageModelScorer original = (LanguageModelScorer) fitted.stages()[1];
    assertEquals(original.uid(), stage.uid());
    assertEquals(model, stage.getModelUri());
    assertEquals(List.of("body", "score", "doc_id", 12, 3),
        List.of(stage.getInputCol(), stage.getOutputCol(), stage.getIdCol(), stage.getMaxTokens(), stage.getBatchSize()));
    List<Row> after = sorted(loaded.transform(docs));
    assertEquals(before, after, "the loaded pipeline scores exactly as the saved one");
    assertEquals(12, after.size());
    for (Row r : after) {
      Row s = r.getStruct(2);
      assertTrue(s.getDouble(4) > 1, "ppl of " + r.getString(0));
      assertTrue(s.getInt(1) <= 12 && s.getBoolean(6) == s.getInt(0) > 12, "maxTokens applied to " + r);
    }

    // Without the lowercasing stage, the upper-case words are all unknown: the stage really ran.
    List<Row> raw = sorted(stage.transform(docs));
    assertNotEquals(before.get(0).getStruct(2).getInt(2), raw.get(0).getStruct(2).getInt(2));

    String unfitted = tmp.resolve("pipeline").toUri().toString();
    pipeline.save(unfitted);
    LanguageModelScorer fromPipeline = (LanguageModelScorer) Pipeline.load(unfitted).getStages()[1];
    assertEquals(original.uid(), fromPipeline.uid());
    assertEquals(model, fromPipeline.getModelUri());

    String alone = tmp.resolve("scorer").toUri().toString();
    original.save(alone);
    assertEquals(12, LanguageModelScorer.load(alone).getMaxTokens());
  }

  private static List<Row> sorted(Dataset<Row> scored) {
    return scored.orderBy("doc_id").collectAsList();
  }

  @Test
  void aBadSchemaOrAMissingModelUriNamesTheProblem() {
    IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
        () -> scorer().setInputCol("text").transform(docs));
    assertTrue(missing.getMessage().contains("'text'") && missing.getMessage().contains("body"), missing.getMessage());
    IllegalArgumentException notString = assertThrows(IllegalArgumentException.class,
        () -> scorer().transform(docs.selectExpr("doc_id", "length(body) AS body")));
    assertTrue(notString.getMessage().contains("must be a string column"), notString.getMessage());
    IllegalArgumentException taken = assertThrows(IllegalArgumentException.class,
        () -> scorer().setOutputCol("doc_id").transform(docs));
    assertTrue(taken.getMessage().contains("already a column"), taken.getMessage());
    IllegalArgumentException noModel = assertThrows(IllegalArgumentException.class,
        () -> new LanguageModelScorer().setInputCol("body").transform(docs));
    assertTrue(noModel.getMessage().contains("modelUri is not set"), noModel.getMessage());
    assertFalse(scorer().transformSchema(docs.schema()).apply("score").nullable());
  }
}
