package dev.awdlm.spark;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Creates the session for a command. The master and every Spark setting come from spark-submit
 * or, for jobs/awdlm, from conf/spark-local.properties passed as system properties; only the
 * serializer defaults are filled in here, because awdlm's RDDs need the registrator.
 */
public final class SparkSessions {
  private SparkSessions() {}

  public static SparkConf defaults(SparkConf conf) {
    conf.setIfMissing("spark.app.name", "awdlm");
    conf.setIfMissing("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.setIfMissing("spark.kryo.registrator", AwdlmKryoRegistrator.class.getName());
    return conf;
  }

  public static SparkSession getOrCreate() {
    return SparkSession.builder().config(defaults(new SparkConf())).getOrCreate();
  }
}
