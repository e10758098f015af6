package dev.awdlm.spark;

import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.NioLocalFileSystem;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the session for a command. The master and every Spark setting come from spark-submit
 * or, for jobs/awdlm, from conf/spark-local.properties passed as system properties; only the
 * serializer defaults (awdlm's RDDs need the registrator) and the local filesystem
 * ({@link NioLocalFileSystem}) are filled in here.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkConf defaults(SparkConf conf) {
    conf.setIfMissing("spark.app.name", "awdlm");
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", AwdlmKryoRegistrator.class.getName());
    conf.setIfMissing("spark.hadoop.fs.file.impl", NioLocalFileSystem.class.getName());
    return conf;
  }

  public static SparkSession getOrCreate() {
    return SparkSession.builder().config(defaults(new SparkConf())).getOrCreate();
  }

  public static JavaSparkContext context(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  /**
   * The Hadoop configuration the session will use (spark.hadoop.* applied), available before any
   * Spark context starts so that commands can check paths first.
   */
  public static Configuration hadoopConfiguration() {
    return HadoopFs.configuration(defaults(new SparkConf()));
  }
}
