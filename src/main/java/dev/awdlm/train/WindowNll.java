package dev.awdlm.train;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.deeplearning4j.core.storage.Persistable;

/**
 * What one worker reports for one fitted TBPTT window: the summed negative log-likelihood of its
 * labels (without AR, TAR or weight decay) and how many tokens it predicted. dl4j-spark carries
 * these back inside each worker's result, next to the parameters they describe, so a task that
 * Spark retries is counted once, with the result that was averaged.
 */
public final class WindowNll implements Persistable {
  static final String TYPE = "awdlm-window-nll";

  private String workerId;
  private double nllSum;
  private long tokens;
  private long timeStamp;

  /** For Kryo and {@link #decode}. */
  public WindowNll() {}

  WindowNll(String workerId, double nllSum, long tokens) {
    this.workerId = workerId;
    this.nllSum = nllSum;
    this.tokens = tokens;
    this.timeStamp = System.currentTimeMillis();
  }

  public double nllSum() {
    return nllSum;
  }

  public long tokens() {
    return tokens;
  }

  @Override
  public String getSessionID() {
    return TYPE;
  }

  @Override
  public String getTypeID() {
    return TYPE;
  }

  /** dl4j-spark's id of the worker: its executor JVM and the worker's number in that JVM. */
  @Override
  public String getWorkerID() {
    return workerId;
  }

  @Override
  public long getTimeStamp() {
    return timeStamp;
  }

  @Override
  public int encodingLengthBytes() {
    return Integer.BYTES + workerId.getBytes(StandardCharsets.UTF_8).length + Double.BYTES + 2 * Long.BYTES;
  }

  @Override
  public byte[] encode() {
    ByteBuffer b = ByteBuffer.allocate(encodingLengthBytes());
    encode(b);
    return b.array();
  }

  @Override
  public void encode(ByteBuffer buffer) {
    byte[] id = workerId.getBytes(StandardCharsets.UTF_8);
    buffer.putInt(id.length).put(id).putDouble(nllSum).putLong(tokens).putLong(timeStamp);
  }

  @Override
  public void encode(OutputStream out) throws IOException {
    out.write(encode());
  }

  @Override
  public void decode(byte[] bytes) {
    decode(ByteBuffer.wrap(bytes));
  }

  @Override
  public void decode(ByteBuffer buffer) {
    byte[] id = new byte[buffer.getInt()];
    buffer.get(id);
    workerId = new String(id, StandardCharsets.UTF_8);
    nllSum = buffer.getDouble();
    tokens = buffer.getLong();
    timeStamp = buffer.getLong();
  }

  @Override
  public void decode(InputStream in) throws IOException {
    decode(in.readAllBytes());
  }
}
