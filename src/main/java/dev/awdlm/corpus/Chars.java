package dev.awdlm.corpus;

/** Character classes the tokenizers share. */
final class Chars {
  private Chars() {}

  /** Python's {@code str.isspace()}: Java's whitespace plus the Zs space separators and NEL. */
  static boolean isSpace(int cp) {
    return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
  }

  /** Letters, digits and combining marks: what a word is made of, in any script. */
  static boolean isWordPart(int cp) {
    if (Character.isLetterOrDigit(cp)) return true;
    int type = Character.getType(cp);
    return type == Character.NON_SPACING_MARK || type == Character.COMBINING_SPACING_MARK
        || type == Character.ENCLOSING_MARK || type == Character.LETTER_NUMBER;
  }
}
