package dev.awdlm;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.awdlm.testing.Markdown;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;

/**
 * What {@link DocsTest} checks in a Markdown file, against a repository root and the awdlm command
 * tree. Each check returns every problem it found as {@code file:line: what}, so one run lists them all.
 */
final class DocsChecks {
  /** Fenced blocks whose lines are shell commands; java, scala, python and sql blocks are not. */
  private static final Set<String> SHELL = Set.of("", "bash", "sh", "shell", "console");
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]*:");
  private static final Pattern REPO_PATH = Pattern.compile("(?<![\\w.:/<>$-])((?:jobs|conf|docs|src|notebooks-export)/[\\w./*-]*)");
  private static final Pattern TEST_CLASS = Pattern.compile("\\b[A-Z][a-z]\\w*(?:Test|IT)\\b");
  private static final Pattern QUALIFIED_CLASS = Pattern.compile("\\bdev\\.awdlm(?:\\.[a-z]\\w*)+\\.[A-Z]\\w*");
  private static final Pattern PACKAGE_CLASS = Pattern.compile("(?<![\\w./])([a-z]+)/([A-Z]\\w*)\\b");
  private static final Pattern CONFIG_KEY = Pattern.compile("(?<![\\w./-])((?:data|model|train|output|retrain|score)\\.([a-z][A-Za-z]*))\\b(?![(.\\w])");
  private static final Set<String> FILE_EXTENSIONS = Set.of("txt", "zip", "json", "jsonl", "ndjson", "tsv", "csv", "html", "conf",
      "properties", "bin", "py", "parquet", "gz", "bz2");
  private static final Pattern LAYOUT_PACKAGE = Pattern.compile("^ {2}([a-z]+)/\\s.*");

  private final Path root;
  private final CommandLine awdlm;
  private final Path sources;
  private final Set<String> testClasses;
  private final Config reference;

  DocsChecks(Path root, CommandLine awdlm) {
    this.root = root;
    this.awdlm = awdlm;
    this.sources = root.resolve("src/main/java/dev/awdlm");
    this.testClasses = new TreeSet<>();
    Path tests = root.resolve("src/test/java");
    if (Files.isDirectory(tests)) {
      try (Stream<Path> files = Files.walk(tests)) {
        files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".java")).forEach(n -> testClasses.add(n.replace(".java", "")));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    Path conf = root.resolve("src/main/resources/reference.conf");
    this.reference = Files.exists(conf) ? ConfigFactory.parseFile(conf.toFile()) : ConfigFactory.empty();
  }

  /** Every relative link and image points at a file in the repository, and every #anchor at a heading of its page. */
  List<String> links(Markdown doc) {
    List<String> problems = new ArrayList<>();
    for (Markdown.Link link : doc.links()) {
      String target = link.target();
      if (target.isEmpty() || SCHEME.matcher(target).find()) continue;
      int hash = target.indexOf('#');
      String path = URLDecoder.decode(hash < 0 ? target : target.substring(0, hash), StandardCharsets.UTF_8);
      Path file = path.isEmpty() ? doc.file() : doc.file().getParent().resolve(path).normalize();
      if (!path.isEmpty() && (!file.startsWith(root) || !Files.exists(file))) {
        problems.add(where(doc, link.line()) + "link to " + target + ": no such file " + root.relativize(file));
      } else if (hash >= 0) {
        String anchor = target.substring(hash + 1);
        Set<String> anchors = path.isEmpty() ? doc.anchors() : file.toString().endsWith(".md") ? Markdown.read(file).anchors() : Set.of();
        if (!anchors.contains(anchor)) problems.add(where(doc, link.line()) + "link to " + target + ": no heading #" + anchor
            + " in " + root.relativize(file) + " (anchors: " + anchors + ")");
      }
    }
    return problems;
  }

  /**
   * Every {@code jobs/awdlm X}, {@code awdlm X}, {@code jobs/submit ... -- X} and {@code jobs/retrain ... -- ...}
   * in a shell block or an inline code span: X is an awdlm command (a bench with its benchmark) that
   * takes every {@code --option} shown, and a {@code jobs/} script exists and knows the options given to it.
   */
  List<String> commands(Markdown doc) {
    List<String> problems = new ArrayList<>();
    for (Markdown.Block block : doc.codeBlocks()) {
      if (!SHELL.contains(block.info())) continue;
      StringBuilder logical = new StringBuilder(); // a command continued over lines ending in a backslash
      int first = 0;
      for (int i = 0; i < block.lines().size(); i++) {
        String line = block.lines().get(i);
        if (logical.isEmpty()) first = block.line() + 1 + i;
        logical.append(line.endsWith("\\") ? line.substring(0, line.length() - 1) + " " : line);
        if (line.endsWith("\\")) continue;
        shellLine(doc, first, logical.toString(), problems);
        logical.setLength(0);
      }
    }
    for (Markdown.Line span : doc.codeSpans()) shellLine(doc, span.number(), span.text(), problems);
    return problems;
  }

  /** The README's command table: each first cell is an awdlm command line, and every command and bench has a row. */
  List<String> commandTable(Markdown readme) {
    List<String> problems = new ArrayList<>();
    Set<String> listed = new TreeSet<>();
    for (Markdown.Line row : readme.section("Commands")) {
      Matcher m = Pattern.compile("^\\|\\s*`([^`]+)`\\s*\\|").matcher(row.text());
      if (!m.find()) continue;
      List<String> words = words(m.group(1));
      awdlmCommand(readme, row.number(), words, problems);
      CommandLine cl = awdlm;
      List<String> path = new ArrayList<>();
      for (String w : words) {
        if (!cl.getSubcommands().containsKey(w)) break;
        cl = cl.getSubcommands().get(w);
        path.add(w);
      }
      listed.add(String.join(" ", path));
    }
    for (var command : awdlm.getSubcommands().entrySet()) {
      if (command.getKey().equals("help")) continue;
      List<String> needed = command.getValue().getSubcommands().isEmpty() ? List.of(command.getKey())
          : command.getValue().getSubcommands().keySet().stream().filter(s -> !s.equals("help")).map(s -> command.getKey() + " " + s).toList();
      for (String n : needed) if (!listed.contains(n)) problems.add(where(readme, 0) + "the command table has no row for '" + n + "'");
    }
    return problems;
  }

  /** The README's project layout names every package under src/main/java/dev/awdlm, and only those. */
  List<String> layout(Markdown readme) {
    Set<String> named = new TreeSet<>();
    for (Markdown.Block block : readme.codeBlocks()) {
      for (String line : block.lines()) {
        Matcher m = LAYOUT_PACKAGE.matcher(line);
        if (m.matches()) named.add(m.group(1));
      }
    }
    Set<String> packages = new TreeSet<>();
    try (Stream<Path> dirs = Files.list(sources)) {
      dirs.filter(Files::isDirectory).forEach(d -> packages.add(d.getFileName().toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    List<String> problems = new ArrayList<>();
    for (String p : packages) if (!named.contains(p)) problems.add(where(readme, 0) + "the project layout does not name package " + p);
    for (String p : named) if (!packages.contains(p)) problems.add(where(readme, 0) + "the project layout names " + p + "/, which is no package");
    return problems;
  }

  /**
   * Names that must exist: repository paths ({@code jobs/}, {@code conf/}, {@code src/}, {@code docs/},
   * globs included), test classes, {@code dev.awdlm} classes, {@code package/Class} in inline code, and
   * config keys in inline code and shell blocks (they must be in reference.conf).
   */
  List<String> names(Markdown doc) {
    List<String> problems = new ArrayList<>();
    List<Markdown.Line> all = new ArrayList<>(doc.prose());
    List<Markdown.Line> code = new ArrayList<>(doc.codeSpans());
    for (Markdown.Block b : doc.codeBlocks()) {
      for (int i = 0; i < b.lines().size(); i++) {
        Markdown.Line l = new Markdown.Line(b.line() + 1 + i, b.lines().get(i));
        all.add(l);
        if (SHELL.contains(b.info())) code.add(l);
      }
    }
    for (Markdown.Line l : all) {
      for (Matcher m = REPO_PATH.matcher(l.text()); m.find(); ) {
        String path = m.group(1).replaceAll("[.,:;]+$", "");
        if (!pathExists(path)) problems.add(where(doc, l.number()) + path + ": no such file or directory");
      }
      for (Matcher m = TEST_CLASS.matcher(l.text()); m.find(); ) {
        if (!testClasses.contains(m.group())) problems.add(where(doc, l.number()) + m.group() + ": no such test class");
      }
      for (Matcher m = QUALIFIED_CLASS.matcher(l.text()); m.find(); ) {
        String file = m.group().replace('.', '/') + ".java";
        if (!Files.exists(root.resolve("src/main/java").resolve(file)) && !Files.exists(root.resolve("src/test/java").resolve(file))) {
          problems.add(where(doc, l.number()) + m.group() + ": no such class");
        }
      }
    }
    for (Markdown.Line l : code) {
      for (Matcher m = PACKAGE_CLASS.matcher(l.text()); m.find(); ) {
        if (Files.isDirectory(sources.resolve(m.group(1))) && !Files.exists(sources.resolve(m.group(1)).resolve(m.group(2) + ".java"))) {
          problems.add(where(doc, l.number()) + m.group() + ": no such class in dev.awdlm." + m.group(1));
        }
      }
      for (Matcher m = CONFIG_KEY.matcher(l.text()); m.find(); ) {
        if (!FILE_EXTENSIONS.contains(m.group(2)) && !reference.hasPathOrNull(m.group(1))) {
          problems.add(where(doc, l.number()) + m.group(1) + ": no such key in reference.conf");
        }
      }
    }
    return problems;
  }

  private void shellLine(Markdown doc, int line, String text, List<String> problems) {
    String s = text.strip();
    if (s.startsWith("$ ")) s = s.substring(2);
    if (s.startsWith("#")) return;
    s = s.replaceFirst("\\s#.*$", "");
    for (String segment : s.split("\\|\\|?|&&|;")) {
      List<String> words = new ArrayList<>(words(segment));
      while (!words.isEmpty() && words.get(0).matches("[A-Z_][A-Z0-9_]*=.*")) words.remove(0);
      for (int i = 0; i < words.size(); i++) {
        if (words.get(i).matches("\\d?[<>].*")) {
          words = words.subList(0, i); // a redirection ends the command
          break;
        }
      }
      if (!words.isEmpty()) program(doc, line, words, problems);
    }
  }

  private void program(Markdown doc, int line, List<String> words, List<String> problems) {
    String program = words.get(0);
    List<String> args = words.subList(1, words.size());
    int separator = args.indexOf("--");
    if (program.equals("awdlm") || program.equals("jobs/awdlm")) {
      awdlmCommand(doc, line, args, problems);
    } else if (program.equals("jobs/submit")) {
      if (separator >= 0) awdlmCommand(doc, line, args.subList(separator + 1, args.size()), problems);
    } else if (program.matches("jobs/[\\w.-]+(/[\\w.-]+)*")) { // a script, not the directory jobs/
      Path script = root.resolve(program);
      if (!Files.isRegularFile(script)) {
        problems.add(where(doc, line) + program + ": no such script");
        return;
      }
      String text = read(script);
      for (String a : args.subList(0, separator < 0 ? args.size() : separator)) {
        String option = optionName(bare(a));
        if (option != null && !text.contains(option)) problems.add(where(doc, line) + program + " has no option " + option);
      }
      if (program.equals("jobs/retrain") && separator >= 0) {
        List<String> retrain = new ArrayList<>(List.of("retrain"));
        retrain.addAll(args.subList(separator + 1, args.size()));
        awdlmCommand(doc, line, retrain, problems);
      }
    }
  }

  /** {@code args} after "awdlm": the command (and benchmark), then options it must accept. */
  private void awdlmCommand(Markdown doc, int line, List<String> args, List<String> problems) {
    CommandLine cl = awdlm;
    String path = "awdlm";
    int i = 0;
    for (; i < args.size(); i++) {
      String a = bare(args.get(i));
      if (a.startsWith("-") || cl.getSubcommands().isEmpty()) break;
      if (a.equals("...") || a.endsWith(":")) return; // the rest elided, or a line of output ("awdlm pipeline: config error")
      if (a.equals("COMMAND")) {
        for (var c : awdlm.getSubcommands().entrySet()) {
          if (!c.getKey().equals("help")) options(doc, line, "awdlm " + c.getKey(), c.getValue(), args.subList(i + 1, args.size()), problems);
        }
        return;
      }
      CommandLine sub = cl.getSubcommands().get(a);
      if (sub == null) {
        problems.add(where(doc, line) + "'" + path + " " + a + "' is no awdlm command; " + path + " has " + cl.getSubcommands().keySet());
        return;
      }
      cl = sub;
      path += " " + a;
    }
    options(doc, line, path, cl, args.subList(i, args.size()), problems);
  }

  private void options(Markdown doc, int line, String path, CommandLine cl, List<String> args, List<String> problems) {
    for (String a : args) {
      String option = optionName(bare(a));
      if (option == null) continue;
      var spec = cl.getCommandSpec();
      if (!spec.optionsMap().containsKey(option) && !spec.negatedOptionsMap().containsKey(option)) {
        problems.add(where(doc, line) + "'" + path + "' has no option " + option);
      }
    }
  }

  /** The name of an option word ({@code --chunks} of {@code --chunks=20}), or null for a value or {@code --}. */
  private static String optionName(String word) {
    if (!word.startsWith("--") || word.equals("--")) return null;
    int eq = word.indexOf('=');
    return eq < 0 ? word : word.substring(0, eq);
  }

  /** A word without the brackets of an optional part: {@code [--force]}, {@code [--data}. */
  private static String bare(String word) {
    return word.replaceAll("^\\[+", "").replaceAll("[\\],]+$", "");
  }

  /** Shell words: split on blanks, quotes removed, a backslash escaping the next character. */
  static List<String> words(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quote != 0) {
        if (c == quote) quote = 0;
        else w.append(c);
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < text.length()) {
        w.append(text.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) words.add(w.toString());
        w.setLength(0);
        inWord = false;
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (inWord) words.add(w.toString());
    return words;
  }

  private boolean pathExists(String path) {
    if (!path.contains("*")) return Files.exists(root.resolve(path));
    Path dir = root.resolve(path.substring(0, path.lastIndexOf('/', path.indexOf('*')) + 1));
    PathMatcher matcher = root.getFileSystem().getPathMatcher("glob:" + path);
    try (Stream<Path> files = Files.walk(dir, 2)) {
      return files.anyMatch(f -> matcher.matches(root.relativize(f)));
    } catch (IOException e) {
      return false;
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private String where(Markdown doc, int line) {
    return root.relativize(doc.file()) + ":" + line + ": ";
  }
}
