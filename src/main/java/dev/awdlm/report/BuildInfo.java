package dev.awdlm.report;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The commit the running code was built from, recorded by git-commit-id-maven-plugin. */
public final class BuildInfo {
  private BuildInfo() {}

  /** The commit id, with {@code -dirty} when the working tree had changes; "unknown" outside git. */
  public static String gitCommit() {
    try (InputStream in = BuildInfo.class.getResourceAsStream("/dev/awdlm/git.properties")) {
      if (in == null) return "unknown";
      Properties p = new Properties();
      p.load(in);
      String id = p.getProperty("git.commit.id", "unknown");
      return "true".equals(p.getProperty("git.dirty")) ? id + "-dirty" : id;
    } catch (IOException e) {
      return "unknown";
    }
  }
}
