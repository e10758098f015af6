package dev.awdlm.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's default data types set to double for one test class, and set back to what they were after
 * it: gradient checks and comparisons with plain-double references need the precision, while the
 * other tests in the JVM must keep training in float as awdlm does.
 */
public final class DoublePrecisionExtension implements BeforeAllCallback, AfterAllCallback {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(DoublePrecisionExtension.class);

  private record Defaults(DataType dataType, DataType floatingPoint) {}

  @Override
  public void beforeAll(ExtensionContext context) {
    context.getStore(NS).put(Defaults.class, new Defaults(Nd4j.dataType(), Nd4j.defaultFloatingPointType()));
    Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Defaults before = context.getStore(NS).remove(Defaults.class, Defaults.class);
    Nd4j.setDefaultDataTypes(before.dataType(), before.floatingPoint());
  }
}
