package dev.awdlm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;

/**
 * A multi-JVM Spark cluster on this machine: master {@code local-cluster[N,1,MB]} starts a
 * standalone master and workers inside the driver JVM, and each worker launches a separate
 * executor JVM from {@code $SPARK_HOME}. This fixture fills that SPARK_HOME the way a Spark
 * distribution would: an empty {@code RELEASE} file and {@code jars/} holding exactly the jars a
 * cluster provides (Spark, Scala, Hadoop, ...; see {@code app.jar.groups} in the pom). awdlm and
 * DL4J reach the executors only through the application jar, as on a real cluster, so a class
 * missing from that jar fails the test. Failsafe sets SPARK_HOME; only integration tests use this.
 */
public final class LocalCluster {
  private LocalCluster() {}

  /** The shaded application jar built by {@code mvn package}. */
  public static Path appJar() {
    return existing("awdlm.appJar", "the application jar (run through mvn verify)");
  }

  /** Flags every JVM of a test cluster gets: Java 17's (a java @argfile, see conf/java17.args) and the pom's it.jit.flags. */
  public static String jvmFlags() {
    String flags = System.getProperty("awdlm.jvmFlags");
    if (flags == null) throw new IllegalStateException("awdlm.jvmFlags is not set: run through mvn verify");
    return flags;
  }

  /**
   * Creates (once) and returns {@code $SPARK_HOME}: RELEASE, jars/ (links to the cluster's jars)
   * and bin/spark-submit.
   */
  public static synchronized Path sparkHome() {
    String env = System.getenv("SPARK_HOME");
    if (env == null) throw new IllegalStateException("SPARK_HOME is not set: run through mvn verify (failsafe sets it)");
    Path home = Path.of(env);
    // The stamp holds the classpath and JVM flags it was built from: a dependency or flag added
    // since (a reused target/) must reach the executors too.
    Path done = home.resolve(".complete");
    try {
      String classpath = Files.readString(existing("awdlm.clusterClasspath", "the cluster classpath file")).trim();
      String stamp = classpath + "\n" + jvmFlags();
      if (Files.exists(done) && Files.readString(done).equals(stamp)) return home;
      TestFiles.deleteRecursively(home);
      Path jars = Files.createDirectories(home.resolve("jars"));
      Files.createFile(home.resolve("RELEASE"));
      for (String entry : classpath.split(":")) {
        Path jar = Path.of(entry);
        Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar);
      }
      Path bin = Files.createDirectories(home.resolve("bin"));
      Path submit = bin.resolve("spark-submit");
      // What bin/spark-submit of a distribution boils down to for a client-mode driver.
      Files.writeString(submit, String.join("\n",
          "#!/usr/bin/env bash",
          "exec java -Xmx2g " + jvmFlags() + " -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"",
          ""), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
      Files.writeString(done, stamp);
      return home;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Spark settings for a {@code local-cluster[executors,1,memoryMb]} session in this JVM. */
  public static SparkConf conf(int executors, int memoryMb) {
    sparkHome();
    return SparkExtension.testConf("local-cluster[" + executors + ",1," + memoryMb + "]")
        .set("spark.jars", appJar().toString())
        .set("spark.executor.extraJavaOptions", jvmFlags())
        .set("spark.executor.memory", memoryMb + "m");
  }

  /** The Spark properties jobs/submit passes to spark-submit for the same cluster. */
  public static List<String> submitConf(int executors, int memoryMb) {
    sparkHome();
    List<String> conf = new ArrayList<>(List.of(
        "--master", "local-cluster[" + executors + ",1," + memoryMb + "]",
        "--conf", "spark.executor.extraJavaOptions=" + jvmFlags(),
        "--conf", "spark.executor.memory=" + memoryMb + "m",
        "--conf", "spark.kryo.registrationRequired=true",
        "--conf", "spark.driver.host=127.0.0.1",
        "--conf", "spark.driver.bindAddress=127.0.0.1"));
    MiniDfsExtension.CLIENT_SETTINGS.forEach((k, v) -> conf.addAll(List.of("--conf", "spark.hadoop." + k + "=" + v)));
    return conf;
  }

  /**
   * {@code jobs/submit} on {@code local-cluster[2,1,1536]} with {@code fs.defaultFS} set to
   * {@code defaultFs}, running the awdlm command {@code awdlmArgs}.
   */
  public static List<String> submit(String defaultFs, String... awdlmArgs) {
    List<String> cmd = new ArrayList<>(List.of("jobs/submit", "--properties", "conf/spark-local.properties"));
    cmd.addAll(submitConf(2, 1536));
    cmd.addAll(List.of("--conf", "spark.hadoop.fs.defaultFS=" + defaultFs, "--"));
    cmd.addAll(List.of(awdlmArgs));
    return cmd;
  }

  /** The environment {@link #submit} needs: this fixture's SPARK_HOME and the app jar. */
  public static java.util.Map<String, String> submitEnv() {
    return java.util.Map.of("SPARK_HOME", sparkHome().toString(), "AWDLM_APP_JAR", appJar().toString());
  }

  private static Path existing(String property, String what) {
    String value = System.getProperty(property);
    if (value == null || !Files.exists(Path.of(value))) {
      throw new IllegalStateException(what + " is missing (" + property + "=" + value + "): run through mvn verify");
    }
    return Path.of(value);
  }
}
