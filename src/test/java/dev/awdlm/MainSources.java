package dev.awdlm;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Every file of src/main/java, parsed once per test JVM, for the tests that check how the source is written. */
final class MainSources {
  static final Path ROOT = Path.of("src/main/java");
  private static Map<Path, CompilationUnit> units;

  private MainSources() {}

  /** Each file, by its path under src/main/java ({@code dev/awdlm/io/RunLayout.java}), in path order. */
  static synchronized Map<Path, CompilationUnit> units() {
    if (units == null) units = parseAll();
    return units;
  }

  /** The file at {@code path} under src/main/java ({@code dev/awdlm/io/RunLayout.java}). */
  static CompilationUnit unit(Path path) {
    CompilationUnit u = units().get(path);
    if (u == null) throw new AssertionError("no source " + ROOT.resolve(path));
    return u;
  }

  /** The lines {@code node} spans, its first and last included. */
  static int lines(Node node) {
    return node.getEnd().orElseThrow().line - node.getBegin().orElseThrow().line + 1;
  }

  private static Map<Path, CompilationUnit> parseAll() {
    JavaParser parser = new JavaParser(new ParserConfiguration().setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17));
    Map<Path, CompilationUnit> parsed = new LinkedHashMap<>();
    for (Path file : files()) {
      try {
        ParseResult<CompilationUnit> r = parser.parse(file);
        if (!r.isSuccessful()) throw new AssertionError("cannot parse " + file + ": " + r.getProblems());
        parsed.put(ROOT.relativize(file), r.getResult().orElseThrow());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    // Run from anywhere but the project root, the walk finds nothing and every check would pass.
    if (!parsed.containsKey(Path.of("dev/awdlm/cli/AwdlmCommand.java"))) throw new AssertionError("no sources under " + ROOT.toAbsolutePath());
    return parsed;
  }

  private static List<Path> files() {
    try (Stream<Path> s = Files.walk(ROOT)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
