package dev.awdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.cli.AwdlmCommand;
import dev.awdlm.testing.Markdown;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The Markdown pages (README.md, docs/, notebooks-export/) against the repository and the CLI, with
 * no Spark: links and anchors resolve, the commands shown exist with the options shown, and the
 * paths, classes and config keys they name exist. The command tree is awdlm's own picocli model.
 */
class DocsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath();
  private static CommandLine awdlm;
  private static DocsChecks checks;

  @BeforeAll
  static void commandTree() {
    awdlm = new CommandLine(new AwdlmCommand());
    checks = new DocsChecks(ROOT, awdlm);
  }

  private static List<Markdown> docs() throws IOException {
    List<Markdown> docs = new ArrayList<>(List.of(Markdown.read(ROOT.resolve("README.md"))));
    for (String dir : List.of("docs", "notebooks-export")) {
      try (Stream<Path> files = Files.list(ROOT.resolve(dir))) {
        files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(f -> docs.add(Markdown.read(f)));
      }
    }
    return docs;
  }

  private static void assertNone(Function<Markdown, List<String>> check) throws IOException {
    List<String> problems = new ArrayList<>();
    for (Markdown doc : docs()) problems.addAll(check.apply(doc));
    assertTrue(problems.isEmpty(), problems.size() + " problem(s):\n" + String.join("\n", problems));
  }

  @Test
  void everyRelativeLinkPointsAtAFileAndEveryAnchorAtAHeading() throws IOException {
    assertNone(checks::links);
  }

  @Test
  void everyCommandShownIsAnAwdlmCommandOrBenchThatTakesTheOptionsShown() throws IOException {
    assertNone(checks::commands);
  }

  @Test
  void everyPathClassAndConfigKeyNamedExists() throws IOException {
    assertNone(checks::names);
  }

  @Test
  void theReadmeListsEveryCommandAndBenchAndEveryPackage() {
    Markdown readme = Markdown.read(ROOT.resolve("README.md"));
    List<String> problems = new ArrayList<>(checks.commandTable(readme));
    problems.addAll(checks.layout(readme));
    assertTrue(problems.isEmpty(), String.join("\n", problems));
  }

  @Test
  void theChecksFindBrokenLinksMissingAnchorsMadeUpCommandsAndUnknownOptions(@TempDir Path repo) throws IOException {
    Files.createDirectories(repo.resolve("docs"));
    Files.writeString(repo.resolve("docs/page.md"), "# A page\n\n## Real heading\n");
    Files.createDirectories(repo.resolve("jobs"));
    Files.writeString(repo.resolve("jobs/retrain"), "case \"$1\" in --registry) ;; --data) ;; esac\n");
    Markdown doc = Markdown.of(repo.resolve("README.md"), String.join("\n",
        "# Title",
        "[ok](docs/page.md#real-heading), [self](#title), [web](https://example.com/x.md)",
        "[gone](docs/missing.md), [no anchor](docs/page.md#made-up), [no self anchor](#nothing)",
        "`awdlm train --resume r1` and `awdlm trian --run-id r1`",
        "```bash",
        "jobs/awdlm pipeline --set train.epochs=3 \\",
        "    --frobnicate",
        "jobs/submit --master yarn -- bench nope",
        "jobs/submit --master yarn -- bench quality --no-anneal --epochs 2",
        "jobs/retrain --registry r --data d --dayte 2026-11-24 -- --restart --rebuild-vocabs",
        "jobs/nosuch --help",
        "$ jobs/awdlm pipeline --set model.dropout=1.5",
        "awdlm pipeline: config error: model.dropout = 1.5: must be in [0, 1)",
        "```",
        ""));
    DocsChecks made = new DocsChecks(repo, awdlm);

    List<String> links = made.links(doc);
    assertEquals(3, links.size(), String.join("\n", links));
    assertTrue(links.get(0).contains("docs/missing.md") && links.get(1).contains("#made-up") && links.get(2).contains("#nothing"),
        String.join("\n", links));

    List<String> commands = made.commands(doc);
    assertEquals(List.of(
        "README.md:6: 'awdlm pipeline' has no option --frobnicate",
        "README.md:8: 'awdlm bench nope' is no awdlm command; awdlm bench has [ceiling, prepare, model, scaling, quality, score]",
        "README.md:10: jobs/retrain has no option --dayte",
        "README.md:10: 'awdlm retrain' has no option --rebuild-vocabs",
        "README.md:11: jobs/nosuch: no such script",
        "README.md:4: 'awdlm trian' is no awdlm command; awdlm has "
            + "[prepare, train, evaluate, score, generate, pipeline, bench, notebooks, retrain, help]"), commands);
  }

  @Test
  void anchorsFollowGithubsSlugRules() {
    assertEquals("two-workers-against-one-bench-quality", Markdown.slug("Two workers against one (`bench quality`)"));
    assertEquals("parameter-averaging-at-scale-on-paper", Markdown.slug("Parameter averaging at scale, on paper"));
    assertEquals("prepare--train", Markdown.slug("prepare → train"));
    assertEquals("evaluate---model", Markdown.slug("`evaluate --model`"));
    assertEquals("train_nll-and-the-docs", Markdown.slug("[train_nll](x.md) and the docs"));
    Markdown repeated = Markdown.of(ROOT.resolve("x.md"), "# Tests\n```\n# not a heading\n```\n## Tests\n### Tests\n");
    assertEquals(List.of("tests", "tests-1", "tests-2"), List.copyOf(repeated.anchors()));
  }
}
