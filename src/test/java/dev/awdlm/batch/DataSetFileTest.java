package dev.awdlm.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class DataSetFileTest {
  private static float[] ids(Random random, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) a[i] = random.nextInt(10_000);
    return a;
  }

  private static byte[] saved(DataSet ds) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ds.save(out);
    return out.toByteArray();
  }

  @Test
  void writesTheBytesOfDataSetSave() throws IOException {
    Random random = new Random(7);
    int rows = 5, len = 13;
    float[] features = ids(random, rows * len);
    float[] labels = ids(random, rows * len);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataSetFile.write(out, features, labels, rows, len);
    long[] shape = {rows, 1, len};
    DataSet expected = new DataSet(Nd4j.create(features, shape, 'c'), Nd4j.create(labels, shape, 'c'));
    assertArrayEquals(saved(expected), out.toByteArray());

    DataSet back = new DataSet();
    back.load(new ByteArrayInputStream(out.toByteArray()));
    assertEquals(expected.getFeatures(), back.getFeatures());
    assertEquals(expected.getLabels(), back.getLabels());
  }

  @Test
  void viewsAndOtherTypesAreWrittenAsDataSetSaveWritesThem() throws IOException {
    Random random = new Random(8);
    INDArray wide = Nd4j.create(ids(random, 4 * 10), new long[] {4, 10}, 'c');
    INDArray view = wide.get(NDArrayIndex.interval(1, 3), NDArrayIndex.interval(2, 7));
    INDArray doubles = Nd4j.create(ids(random, 10), new long[] {2, 5}, 'c').castTo(DataType.DOUBLE);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    DataSetFile.write(out, view, doubles);
    assertArrayEquals(saved(new DataSet(view, doubles)), out.toByteArray());
  }
}
