package dev.awdlm.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.score.TinyModel;
import dev.awdlm.testing.SparkExtension;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

/**
 * The transformer in a session awdlm did not configure, as in a user's own spark-shell or PySpark
 * with the app jar added: Kryo as the serializer, but without awdlm's registrator.
 */
class ForeignSessionTest {

  @Test
  void scoresInASessionWithPlainKryo() {
    SparkSession training = SparkSession.builder().config(SparkExtension.testConf("local[2]")).getOrCreate();
    String model = TinyModel.run(JavaSparkContext.fromSparkContext(training.sparkContext())).toUri().toString();
    training.stop();
    SparkConf conf = new SparkConf().setMaster("local[2]").setAppName("foreign")
        .set("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
        .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1");
    try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
      List<Row> rows = List.of(RowFactory.create("the river runs through the town ."), RowFactory.create(""));
      List<Row> out = new LanguageModelScorer().setModelUri(model)
          .transform(spark.createDataFrame(rows, new StructType().add("text", DataTypes.StringType)).repartition(2))
          .collectAsList();
      assertEquals(2, out.size());
      assertTrue(out.stream().anyMatch(r -> !r.getStruct(1).isNullAt(4) && r.getStruct(1).getDouble(4) > 1), out.toString());
    }
  }
}
