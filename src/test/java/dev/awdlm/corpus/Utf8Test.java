package dev.awdlm.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class Utf8Test {

  private static Utf8.Line decode(byte... bytes) {
    return Utf8.decode(bytes, bytes.length);
  }

  @Test
  void validTextIsDecodedWithoutCount() {
    byte[] b = "naïve café — 東京 😀".getBytes(StandardCharsets.UTF_8);
    assertEquals(new Utf8.Line("naïve café — 東京 😀", 0, b.length), Utf8.decode(b, b.length));
  }

  @Test
  void aLiteralReplacementCharacterIsValid() {
    byte[] b = "a\uFFFDb".getBytes(StandardCharsets.UTF_8);
    assertEquals(new Utf8.Line("a\uFFFDb", 0, 5), Utf8.decode(b, b.length));
  }

  @Test
  void invalidBytesAreReplacedAndCounted() {
    // a lone continuation byte, then an invalid lead byte
    assertEquals(new Utf8.Line("a\uFFFDb\uFFFDc", 2, 5), decode((byte) 'a', (byte) 0x80, (byte) 'b', (byte) 0xFF, (byte) 'c'));
    // Latin-1 "é" (0xE9) followed by ASCII: a truncated 3-byte lead
    assertEquals(new Utf8.Line("caf\uFFFD!", 1, 5), decode((byte) 'c', (byte) 'a', (byte) 'f', (byte) 0xE9, (byte) '!'));
    // two bytes of a three-byte sequence: both are replaced, counted as 2 bytes
    Utf8.Line truncated = decode((byte) 0xE2, (byte) 0x82, (byte) 'x');
    assertEquals("x", truncated.text().substring(truncated.text().length() - 1));
    assertEquals(2, truncated.invalidBytes());
  }

  @Test
  void onlyTheGivenLengthIsRead() {
    byte[] b = "hello world".getBytes(StandardCharsets.UTF_8);
    assertEquals(new Utf8.Line("hello", 0, 5), Utf8.decode(b, 5));
  }
}
