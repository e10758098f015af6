package dev.awdlm.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * The one JSON dialect of every file awdlm writes (prepare.json, train.json, report.json, bench
 * results): snake_case keys, so that schedulers and notebooks see one naming convention.
 */
public final class Json {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      // Content after the first document is damage (two records glued together), never to be ignored.
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  private static final ObjectMapper PRETTY = MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT);

  private Json() {}

  /** Indented, for files people read. */
  public static String pretty(Object value) {
    try {
      return PRETTY.writeValueAsString(value) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** On one line, for stdout. */
  public static String line(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
    }
  }

  /** Parses JSON text that awdlm produced itself (e.g. the effective config). */
  public static JsonNode tree(String json) {
    try {
      return MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses one JSON document (a line of a .jsonl file, say); {@code source} is named in errors. */
  public static <T> T parse(String text, Class<T> type, String source) {
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(source + " holds invalid " + type.getSimpleName() + " JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Reads a JSON file written by {@link #pretty}; a malformed file is an error that names it. */
  public static <T> T read(Path file, Class<T> type, Configuration conf) {
    String text = HadoopFs.readUtf8(file, conf);
    try {
      return MAPPER.readValue(text, type);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(file + " is not a valid " + type.getSimpleName() + " file: " + e.getOriginalMessage(), e);
    }
  }
}
