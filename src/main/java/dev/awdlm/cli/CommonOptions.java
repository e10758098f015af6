package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.io.RunLayout;
import java.io.File;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every command shares: where the config comes from, where output goes, and the run id. */
public final class CommonOptions {
  private static final DateTimeFormatter RUN_ID = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final SecureRandom RANDOM = new SecureRandom();

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON config file (keys: src/main/resources/reference.conf).")
  File config;

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one config key, e.g. --set train.epochs=3 (repeatable; lists: a,b or [a, b]).")
  List<String> overrides = new ArrayList<>();

  @Option(names = "--output", paramLabel = "URI", description = "Root of all runs; short for --set output.dir=URI.")
  String output;

  @Option(names = "--run-id", paramLabel = "ID", description = "Run id: the run writes under <output.dir>/<ID>/ (default: a UTC timestamp and a random suffix).")
  String runId;

  /** Reads and validates the configuration; throws {@link dev.awdlm.config.ConfigError} on any bad value. */
  AwdlmConfig load() {
    List<String> all = new ArrayList<>(overrides);
    if (output != null) all.add("output.dir=" + output);
    return ConfigLoader.load(config, all);
  }

  /** The run's layout; a new run gets a timestamp id when none is given. */
  RunLayout layout(AwdlmConfig config) {
    return RunLayout.of(config.output(), runId != null ? runId : newRunId());
  }

  /** For commands that continue an existing run: {@code --run-id} is mandatory. */
  RunLayout existingLayout(AwdlmConfig config) {
    if (runId == null) throw new dev.awdlm.config.ConfigError("--run-id", "required: name the run to continue");
    return RunLayout.of(config.output(), runId);
  }

  /**
   * A UTC timestamp to the millisecond and a random suffix, e.g. {@code 20261124T190455.123Z-3f9a1c}:
   * ids sort by start time, and two launches in one millisecond still differ.
   */
  static String newRunId() {
    return newRunId(Instant.now());
  }

  static String newRunId(Instant now) {
    return RUN_ID.format(now) + String.format("-%06x", RANDOM.nextInt(1 << 24));
  }
}
