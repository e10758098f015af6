package dev.awdlm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.CompactConstructorDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The house rules a newcomer relies on, checked on every build: no method or constructor in
 * src/main longer than {@value #MAX_METHOD_LINES} lines, no top-level class longer than
 * {@value #MAX_CLASS_LINES} lines outside the model math. Lines are counted from a declaration's
 * first line (its annotations) to its closing brace; the Javadoc above it does not count.
 */
class SourceShapeTest {
  static final int MAX_METHOD_LINES = 60;
  static final int MAX_CLASS_LINES = 350;
  /** The AWD-LSTM math and its DL4J adapter: one pass forward and back reads best in one place. */
  static final Set<String> MODEL_MATH = Set.of("AwdLstmCore.java", "AwdLstmLayerImpl.java");

  @Test
  void noMethodOrConstructorIsLongerThanSixtyLines() {
    List<String> tooLong = new ArrayList<>();
    for (Map.Entry<Path, CompilationUnit> e : MainSources.units().entrySet()) {
      List<Node> callables = new ArrayList<>(e.getValue().findAll(CallableDeclaration.class));
      callables.addAll(e.getValue().findAll(CompactConstructorDeclaration.class));
      for (Node c : callables) {
        if (MainSources.lines(c) > MAX_METHOD_LINES) tooLong.add(e.getKey() + ": " + name(c) + " (" + MainSources.lines(c) + " lines)");
      }
    }
    assertEquals(List.of(), tooLong);
  }

  @Test
  void noClassIsLongerThanThreeHundredFiftyLinesOutsideTheModelMath() {
    List<String> tooLong = new ArrayList<>();
    for (Map.Entry<Path, CompilationUnit> e : MainSources.units().entrySet()) {
      if (MODEL_MATH.contains(e.getKey().getFileName().toString())) continue;
      for (TypeDeclaration<?> t : e.getValue().getTypes()) {
        if (MainSources.lines(t) > MAX_CLASS_LINES) tooLong.add(e.getKey() + ": " + t.getNameAsString() + " (" + MainSources.lines(t) + " lines)");
      }
    }
    assertEquals(List.of(), tooLong);
  }

  private static String name(Node callable) {
    return callable instanceof CallableDeclaration<?> c ? c.getNameAsString() : ((CompactConstructorDeclaration) callable).getNameAsString();
  }
}
