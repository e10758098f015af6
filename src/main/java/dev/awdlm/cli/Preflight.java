package dev.awdlm.cli;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigError;
import dev.awdlm.io.HadoopFs;
import dev.awdlm.io.RunClaim;
import dev.awdlm.io.RunLayout;
import dev.awdlm.spark.SparkSessions;
import org.apache.hadoop.conf.Configuration;

/**
 * Checks that need the filesystem but not Spark: they run before a Spark context starts, so a
 * wrong path or run id costs the user a second, not a cluster allocation, and writes nothing.
 */
final class Preflight {
  private final Configuration hadoop = SparkSessions.hadoopConfiguration();

  /**
   * A new run reads every split and must not overwrite an existing run or take an id another run
   * holds; prepare claims the id itself, this only fails early.
   */
  void newRun(AwdlmConfig config, RunLayout layout) {
    outputDir(layout);
    config.data().requireSplits();
    HadoopFs.expandInputs("data.train", config.data().train(), hadoop);
    HadoopFs.expandInputs("data.valid", config.data().valid(), hadoop);
    HadoopFs.expandInputs("data.test", config.data().test(), hadoop);
    if (HadoopFs.exists(layout.runDir(), hadoop)) {
      throw new ConfigError("--run-id", layout.runId(), "already exists at " + layout.runDir() + "; choose another run id");
    }
    RunClaim.requireFree(layout, hadoop);
  }

  /** Training continues a prepared run that has no model yet. */
  void prepared(RunLayout layout) {
    outputDir(layout);
    require(layout, layout.prepareStats(), "has no finished prepare; run 'awdlm prepare --run-id " + layout.runId() + "' first");
    if (HadoopFs.exists(layout.model(), hadoop)) {
      throw new ConfigError("--run-id", layout.runId(), "is already trained (" + layout.model() + " exists)");
    }
  }

  /** Evaluation needs a trained run. */
  void trained(RunLayout layout) {
    outputDir(layout);
    require(layout, layout.prepareStats(), "has no finished prepare");
    require(layout, layout.model(), "has no trained model; run 'awdlm train --run-id " + layout.runId() + "' first");
  }

  /** The output root's filesystem opens: an unknown scheme or host names output.dir. */
  private void outputDir(RunLayout layout) {
    HadoopFs.fs("output.dir", layout.outputDir(), hadoop);
  }

  private void require(RunLayout layout, org.apache.hadoop.fs.Path path, String problem) {
    if (!HadoopFs.exists(path, hadoop)) {
      throw new ConfigError("--run-id", layout.runId(), problem + " (" + path + " is missing)");
    }
  }
}
