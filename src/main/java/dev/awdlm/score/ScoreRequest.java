package dev.awdlm.score;

import dev.awdlm.config.ConfigError;
import java.util.List;
import java.util.Locale;

/**
 * One {@code score} job, as the command line gives it; every combination that cannot work is a
 * {@link ConfigError} naming the option, before anything runs.
 *
 * @param format the input's format, never null ({@link ScoreInput#inferFormat} when not given)
 * @param textColumn JSON and Parquet: the field holding the text
 * @param idColumn JSON and Parquet: a field copied to the output as {@code id} (optional)
 * @param keepBelow keep records with {@code ppl < keepBelow} (optional)
 * @param keepAbove keep records with {@code ppl > keepAbove} (optional)
 * @param kept where the kept records are written as text; required with a keep bound
 */
public record ScoreRequest(String model, List<String> data, String output, Unit unit, Format format, String textColumn,
    String idColumn, Double keepBelow, Double keepAbove, String kept) {

  /** What one record is in text input. */
  public enum Unit {
    LINE, FILE;

    public static Unit parse(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "line" -> LINE;
        case "file" -> FILE;
        default -> throw new ConfigError("--unit", value, "must be line or file");
      };
    }
  }

  public enum Format {
    TEXT, JSON, PARQUET;

    public static Format parse(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "text" -> TEXT;
        case "json" -> JSON;
        case "parquet" -> PARQUET;
        default -> throw new ConfigError("--format", value, "must be text, json or parquet");
      };
    }
  }

  public ScoreRequest {
    if (data == null || data.isEmpty()) throw new ConfigError("--data", "required: the text to score");
    data = List.copyOf(data);
    if (format == Format.TEXT) {
      if (textColumn != null) throw new ConfigError("--text-column", textColumn, "applies to JSON and Parquet input, not text");
      if (idColumn != null) throw new ConfigError("--id-column", idColumn, "applies to JSON and Parquet input, not text");
    } else {
      String name = format.name().toLowerCase(Locale.ROOT);
      if (textColumn == null || textColumn.isBlank()) throw new ConfigError("--text-column", "required with " + name + " input");
      if (unit == Unit.FILE) throw new ConfigError("--unit", "file", "applies to text input; a " + name + " record is a row");
    }
    checkBound("--keep-below", keepBelow);
    checkBound("--keep-above", keepAbove);
    if (keepBelow != null && keepAbove != null && keepAbove >= keepBelow) {
      throw new ConfigError("--keep-above", keepAbove, "must be below --keep-below (" + keepBelow + "): no record could be kept");
    }
    boolean keeps = keepBelow != null || keepAbove != null; // the fields are not assigned yet
    if (keeps && kept == null) throw new ConfigError("--kept", "required with --keep-below/--keep-above: where the kept records go");
    if (!keeps && kept != null) throw new ConfigError("--kept", kept, "needs --keep-below or --keep-above");
  }

  /** Whether the job also writes the kept records. */
  public boolean keeps() {
    return keepBelow != null || keepAbove != null;
  }

  private static void checkBound(String option, Double value) {
    if (value != null && !(value > 0 && Double.isFinite(value))) throw new ConfigError(option, value, "must be a finite perplexity > 0");
  }
}
