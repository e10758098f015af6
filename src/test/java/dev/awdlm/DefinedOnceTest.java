package dev.awdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.ImportDeclaration;
import com.github.javaparser.ast.expr.DoubleLiteralExpr;
import com.github.javaparser.ast.expr.IntegerLiteralExpr;
import com.github.javaparser.ast.expr.ObjectCreationExpr;
import com.github.javaparser.ast.expr.StringLiteralExpr;
import com.github.javaparser.ast.type.ClassOrInterfaceType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Issue 19's "defined once", checked on src/main's syntax trees (so comments and Javadoc may name
 * anything): the training master is built in one class, each name a run or a registry is laid out
 * by is written in its layout class alone, and the PTB presets' values live in {@code Presets}.
 */
class DefinedOnceTest {
  private static final Path TRAINING_MASTERS = Path.of("dev/awdlm/train/TrainingMasters.java");
  private static final Path RUN_LAYOUT = Path.of("dev/awdlm/io/RunLayout.java");
  private static final Path REGISTRY_LAYOUT = Path.of("dev/awdlm/io/RegistryLayout.java");
  private static final Path PRESETS = Path.of("dev/awdlm/config/Presets.java");
  /**
   * A file name with an extension or a separator ({@code epochs.csv}, {@code champion-valid}), a
   * marker ({@code _DONE}) or a name's prefix ({@code epoch-}); not a bare word, which other classes
   * use for other things ({@code "model"} is a config section too).
   */
  private static final String DISTINCT_NAME = "[A-Za-z0-9_]+([.-][A-Za-z0-9_]+)+|_[A-Z]+|[a-z]+(-[a-z]+)*-";

  /** Neither the master nor its Builder is named outside TrainingMasters, so no other class can build one. */
  @Test
  void onlyTrainingMastersNamesTheParameterAveragingTrainingMaster() {
    List<String> found = new ArrayList<>();
    for (Map.Entry<Path, CompilationUnit> e : MainSources.units().entrySet()) {
      if (e.getKey().equals(TRAINING_MASTERS)) continue;
      for (ImportDeclaration i : e.getValue().getImports()) {
        if (i.getNameAsString().startsWith("org.deeplearning4j.spark.impl.paramavg")) found.add(e.getKey() + ": import " + i.getNameAsString());
      }
      for (ClassOrInterfaceType t : e.getValue().findAll(ClassOrInterfaceType.class)) {
        if (t.getNameWithScope().contains("ParameterAveragingTrainingMaster")) found.add(e.getKey() + ": " + t.getNameWithScope());
      }
    }
    assertEquals(List.of(), found);
    assertTrue(MainSources.unit(TRAINING_MASTERS).findAll(ObjectCreationExpr.class).stream()
        .anyMatch(n -> n.getType().getNameWithScope().equals("ParameterAveragingTrainingMaster.Builder")), "TrainingMasters builds none");
  }

  /**
   * Every distinct name in RunLayout and RegistryLayout ({@code epochs.csv}, {@code report.html},
   * {@code history.jsonl}, {@code champion-valid}, {@code _DONE}, ...) is in no other class's string
   * literals, alone or in a path ({@code "report/report.json"}), and no other class makes a path of
   * any name they hold ({@code new Path(dir, "report")}). Prose, such as help text and messages,
   * may mention a name: only a literal without spaces can name a file.
   */
  @Test
  void eachLayoutNameIsWrittenOnlyInItsLayoutClass() {
    Set<String> names = new TreeSet<>(literals(RUN_LAYOUT));
    names.addAll(literals(REGISTRY_LAYOUT));
    names.removeIf(n -> !n.matches("[A-Za-z0-9_][A-Za-z0-9_.-]*")); // messages, patterns and formats are no names
    Set<String> distinct = new TreeSet<>(names.stream().filter(n -> n.matches(DISTINCT_NAME)).toList());
    assertTrue(distinct.containsAll(Set.of("epochs.csv", "report.html", "report.json", "train.json", "model.zip", "vocab.tsv",
        "champion-valid", "history.jsonl", "decision.json", "_DONE", "_SUCCESS")), distinct.toString());
    List<String> found = new ArrayList<>();
    for (Map.Entry<Path, CompilationUnit> e : MainSources.units().entrySet()) {
      if (e.getKey().equals(RUN_LAYOUT) || e.getKey().equals(REGISTRY_LAYOUT)) continue;
      for (StringLiteralExpr s : e.getValue().findAll(StringLiteralExpr.class)) {
        boolean prose = s.getValue().matches("(?s).*\\s.*");
        if (!prose && distinct.stream().anyMatch(s.getValue()::contains)) found.add(e.getKey() + ":" + line(s) + ": \"" + s.getValue() + "\"");
      }
      for (ObjectCreationExpr p : e.getValue().findAll(ObjectCreationExpr.class)) {
        if (!p.getType().getNameAsString().equals("Path")) continue;
        p.getArguments().stream().filter(a -> a.isStringLiteralExpr() && names.contains(a.asStringLiteralExpr().getValue()))
            .forEach(a -> found.add(e.getKey() + ":" + line(p) + ": " + p));
      }
    }
    assertEquals(List.of(), found);
  }

  /**
   * awd-lstm-lm's PTB values that no other setting shares, the full model's 1150 hidden units and
   * the 0.65 input dropout of both presets, appear in Presets alone: as numbers (a preset copied
   * into a ModelConfig) or as overrides ({@code "model.dropouti=0.65"}).
   */
  @Test
  void thePtbPresetsAreWrittenOnlyInPresets() {
    List<String> found = new ArrayList<>();
    for (Map.Entry<Path, CompilationUnit> e : MainSources.units().entrySet()) {
      if (e.getKey().equals(PRESETS)) continue;
      CompilationUnit u = e.getValue();
      u.findAll(IntegerLiteralExpr.class, n -> n.getValue().equals("1150")).forEach(n -> found.add(e.getKey() + ":" + line(n) + ": 1150"));
      u.findAll(DoubleLiteralExpr.class, n -> n.asDouble() == 0.65).forEach(n -> found.add(e.getKey() + ":" + line(n) + ": " + n));
      u.findAll(StringLiteralExpr.class, n -> n.getValue().matches(".*=\\s*(1150|0?\\.65)\\b.*"))
          .forEach(n -> found.add(e.getKey() + ":" + line(n) + ": \"" + n.getValue() + "\""));
    }
    assertEquals(List.of(), found);
    CompilationUnit presets = MainSources.unit(PRESETS);
    assertTrue(!presets.findAll(IntegerLiteralExpr.class, n -> n.getValue().equals("1150")).isEmpty()
        && !presets.findAll(StringLiteralExpr.class, n -> n.getValue().equals("model.dropouti=0.65")).isEmpty(),
        "Presets no longer holds the values this test looks for elsewhere");
  }

  private static Set<String> literals(Path file) {
    Set<String> out = new TreeSet<>();
    MainSources.unit(file).findAll(StringLiteralExpr.class).forEach(s -> out.add(s.getValue()));
    return out;
  }

  private static int line(com.github.javaparser.ast.Node n) {
    return n.getBegin().orElseThrow().line;
  }
}
