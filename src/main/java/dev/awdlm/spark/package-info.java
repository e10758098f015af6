/**
 * Spark glue shared by every stage: the session factory and the Kryo registrator that makes
 * {@code spark.kryo.registrationRequired=true} workable with ND4J and dl4j-spark classes.
 */
package dev.awdlm.spark;
