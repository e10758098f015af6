package dev.awdlm.corpus;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Decodes UTF-8 as Python's {@code errors='replace'} does, and counts the bytes it had to replace:
 * corpora are dirty, and one bad byte must not stop a job, but a binary file must be noticed.
 */
public final class Utf8 {
  private Utf8() {}

  /**
   * A decoded line.
   *
   * @param invalidBytes how many of its bytes were not valid UTF-8
   * @param bytes how many bytes it was decoded from
   */
  public record Line(String text, int invalidBytes, int bytes) {}

  public static Line decode(byte[] bytes, int length) {
    // The JDK's intrinsic decoder is several times faster than a CharsetDecoder loop; it maps
    // malformed input to U+FFFD, so only lines that contain U+FFFD need the counting slow path.
    String fast = new String(bytes, 0, length, StandardCharsets.UTF_8);
    if (fast.indexOf('\uFFFD') < 0) return new Line(fast, 0, length);
    return decodeCounting(bytes, length);
  }

  private static Line decodeCounting(byte[] bytes, int length) {
    CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
        .onMalformedInput(CodingErrorAction.REPORT)
        .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, 0, length);
    CharBuffer out = CharBuffer.allocate(length + 1);
    int invalid = 0;
    while (true) {
      CoderResult r = decoder.decode(in, out, true);
      if (r.isUnderflow()) break;
      if (r.isOverflow()) throw new IllegalStateException("UTF-8 never needs more chars than bytes");
      invalid += r.length();
      in.position(in.position() + r.length());
      out.put('\uFFFD');
    }
    decoder.flush(out);
    out.flip();
    return new Line(out.toString(), invalid, length);
  }
}
