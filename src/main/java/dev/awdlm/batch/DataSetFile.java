package dev.awdlm.batch;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Writes a features-and-labels DataSet in the bytes of ND4J's {@code DataSet.save}, which every
 * reader ({@code DataSet.load}) takes. {@code DataSet.save} writes each float as four single-byte
 * calls on a synchronized {@code BufferedOutputStream}; that was 17% of prepare's samples (JFR, 40 MB
 * bench). Here a float array's elements go in as one big-endian bulk copy, and the file as one write.
 */
final class DataSetFile {
  // DataSet's header byte: features present (1), labels present (1 << 1).
  private static final int FEATURES_AND_LABELS = 1 | 1 << 1;

  private DataSetFile() {}

  static void write(OutputStream os, INDArray features, INDArray labels) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(Math.toIntExact(4 * (features.length() + labels.length()) + 512));
    DataOutputStream out = new DataOutputStream(bytes);
    out.writeByte(FEATURES_AND_LABELS);
    write(out, features);
    write(out, labels);
    out.flush();
    bytes.writeTo(os);
  }

  /** As {@code Nd4j.write(arr, out)}: the shape information, then the data buffer. */
  private static void write(DataOutputStream out, INDArray arr) throws IOException {
    if (arr.isView()) arr = arr.dup(); // as Nd4j.write: only the view's own elements are saved
    arr.shapeInfoDataBuffer().write(out); // a few longs
    DataBuffer data = arr.data();
    if (data.dataType() != DataType.FLOAT) {
      data.write(out);
      return;
    }
    // BaseDataBuffer.write's header, then the elements as DataOutputStream.writeFloat writes them
    // (big-endian); token ids are never NaN, whose bit pattern writeFloat would canonicalize.
    out.writeUTF(data.allocationMode().name());
    out.writeLong(data.length());
    out.writeUTF(data.dataType().name());
    ByteBuffer elements = ByteBuffer.allocate(Math.toIntExact(4 * data.length())).order(ByteOrder.BIG_ENDIAN);
    elements.asFloatBuffer().put(data.asNioFloat());
    out.write(elements.array());
  }

  /** A DataSet of {@code [rows, 1, len]} float features and labels, as {@link StreamExporter} writes them. */
  static void write(OutputStream os, float[] features, float[] labels, int rows, int len) throws IOException {
    long[] shape = {rows, 1, len};
    write(os, Nd4j.create(features, shape, 'c'), Nd4j.create(labels, shape, 'c'));
  }
}
