package dev.awdlm.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/** The extension on a nested class: double inside it, the outer class's float before and after. */
class DoublePrecisionExtensionTest {
  private static DataType before;

  @BeforeAll
  static void recordTheDefault() {
    before = Nd4j.dataType();
    assertNotEquals(DataType.DOUBLE, before, "the JVM must not start in double, or this test proves nothing");
  }

  @AfterAll
  static void theDefaultIsBackAfterTheExtendedClass() {
    assertEquals(before, Nd4j.dataType());
    assertEquals(before, Nd4j.defaultFloatingPointType());
  }

  @Nested
  @ExtendWith(DoublePrecisionExtension.class)
  class Extended {
    @Test
    void arraysAreDouble() {
      assertEquals(DataType.DOUBLE, Nd4j.dataType());
      assertEquals(DataType.DOUBLE, Nd4j.zeros(2).dataType());
      assertEquals(DataType.DOUBLE, Nd4j.rand(2, 2).dataType());
    }
  }
}
