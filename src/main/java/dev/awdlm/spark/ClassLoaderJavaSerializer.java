package dev.awdlm.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/**
 * Java serialization inside Kryo, for classes that need it (custom writeObject, no no-arg
 * constructor). Kryo 4's own {@code JavaSerializer} resolves classes with the JVM's application
 * class loader, which on a real executor cannot see the user's jar (spark.jars / --jars), so
 * deserializing any awdlm or DL4J class fails with ClassNotFoundException. This one resolves
 * through Kryo's class loader, which Spark sets to the executor's user class loader.
 */
final class ClassLoaderJavaSerializer extends Serializer<Object> {

  @Override
  public void write(Kryo kryo, Output output, Object object) {
    try {
      ObjectOutputStream out = new ObjectOutputStream(output);
      out.writeObject(object);
      out.flush();
    } catch (IOException e) {
      throw new KryoException("Java serialization of " + object.getClass().getName() + " failed", e);
    }
  }

  @Override
  public Object read(Kryo kryo, Input input, Class<Object> type) {
    try {
      return new ResolvingInputStream(input, kryo.getClassLoader()).readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new KryoException("Java deserialization of " + type.getName() + " failed", e);
    }
  }

  private static final class ResolvingInputStream extends ObjectInputStream {
    private final ClassLoader loader;

    ResolvingInputStream(InputStream in, ClassLoader loader) throws IOException {
      super(in);
      this.loader = loader;
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, loader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
