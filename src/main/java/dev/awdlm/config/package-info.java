/**
 * Configuration: HOCON ({@code reference.conf} plus a user file plus {@code --set} overrides) parsed
 * once into immutable records. Every record validates itself in its compact constructor, so a bad
 * value fails with the key's name before any Spark context starts.
 */
package dev.awdlm.config;
