package dev.awdlm.testing;

import dev.awdlm.spark.SparkSessions;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real local Spark session per test class: {@code local[2]}, Kryo with registration required
 * (so a class missing from the registrator fails the test), UI off. Tests receive the
 * {@link SparkSession} or {@link JavaSparkContext} as a parameter.
 */
public final class SparkExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(SparkExtension.class);

  /** The settings every test session uses; {@code master} varies. */
  public static SparkConf testConf(String master) {
    SparkConf conf = new SparkConf();
    MiniDfsExtension.CLIENT_SETTINGS.forEach((k, v) -> conf.set("spark.hadoop." + k, v));
    return SparkSessions.defaults(conf)
        .setMaster(master)
        .setAppName("awdlm-test")
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.ui.enabled", "false")
        .set("spark.ui.showConsoleProgress", "false")
        .set("spark.sql.shuffle.partitions", "4")
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    SparkSession spark = SparkSession.builder().config(testConf("local[2]")).getOrCreate();
    context.getStore(NS).put(SparkSession.class, spark);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    SparkSession spark = context.getStore(NS).remove(SparkSession.class, SparkSession.class);
    if (spark != null) spark.stop();
  }

  @Override
  public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
    Class<?> t = p.getParameter().getType();
    return t == SparkSession.class || t == JavaSparkContext.class;
  }

  @Override
  public Object resolveParameter(ParameterContext p, ExtensionContext e) {
    SparkSession spark = e.getStore(NS).get(SparkSession.class, SparkSession.class);
    if (spark == null) {
      spark = e.getRoot().getStore(NS).get(SparkSession.class, SparkSession.class);
    }
    return p.getParameter().getType() == SparkSession.class ? spark : SparkSessions.context(spark);
  }
}
