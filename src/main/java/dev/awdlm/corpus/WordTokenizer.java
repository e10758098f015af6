package dev.awdlm.corpus;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * For raw text. A word is a run of letters, digits and combining marks in any script; an apostrophe
 * or hyphen between two such characters stays inside the word ({@code don't}, {@code well-known}),
 * as does a point or comma between two digits ({@code 3.14}, {@code 1,000}). Every other
 * non-space character is a token of its own. Lines without tokens produce nothing.
 *
 * <p>{@code <eos>} ends every non-empty line, or, with {@code sentenceEos}, also every sentence: a
 * {@code . ! ? …} (plus closing quotes or brackets) followed by a token that starts with an upper
 * case letter, a digit or an opening quote. A point after a single letter or a common abbreviation
 * ({@code Mr.}, {@code Dr.}, {@code etc.}) ends no sentence.
 */
public final class WordTokenizer implements Tokenizer {
  private static final long serialVersionUID = 1L;
  public static final String NUMBER = "N";
  private static final Set<String> ABBREVIATIONS = Set.of(
      "mr", "mrs", "ms", "dr", "st", "jr", "sr", "prof", "gen", "gov", "sen", "rep", "rev", "hon", "capt",
      "col", "lt", "sgt", "vs", "etc", "inc", "co", "corp", "ltd", "no", "vol", "fig", "jan", "feb",
      "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "e.g", "i.e");

  private final boolean lowercase;
  private final boolean replaceNumbers;
  private final boolean sentenceEos;

  public WordTokenizer(boolean lowercase, boolean replaceNumbers, boolean sentenceEos) {
    this.lowercase = lowercase;
    this.replaceNumbers = replaceNumbers;
    this.sentenceEos = sentenceEos;
  }

  @Override
  public List<String> tokenize(String line) {
    List<String> out = new ArrayList<>();
    int n = line.length();
    int i = 0;
    boolean afterTerminal = false; // a sentence-final mark was the last non-closing token
    String previousWord = "";
    boolean spaceBefore = true;
    while (i < n) {
      int cp = line.codePointAt(i);
      int start = i;
      i += Character.charCount(cp);
      if (Chars.isSpace(cp)) {
        spaceBefore = true;
        continue;
      }
      // A straight quote after a space opens a quotation; right after a character it closes one.
      boolean closing = isClosing(cp) && !(spaceBefore && (cp == '"' || cp == '\''));
      spaceBefore = false;
      String raw;
      if (Chars.isWordPart(cp)) {
        i = wordEnd(line, i, cp);
        raw = line.substring(start, i);
      } else {
        raw = line.substring(start, i);
      }
      if (sentenceEos && afterTerminal && !closing) {
        if (startsSentence(cp)) out.add(Vocabulary.EOS);
        afterTerminal = false;
      }
      if (sentenceEos && isTerminal(cp) && !isAbbreviation(previousWord)) afterTerminal = true;
      if (Chars.isWordPart(cp)) previousWord = raw;
      else if (!isTerminal(cp) && !closing) previousWord = "";
      out.add(normalize(raw, cp));
    }
    if (!out.isEmpty()) out.add(Vocabulary.EOS);
    return out;
  }

  /** End (exclusive) of the word that started before {@code i}; {@code last} is its latest code point. */
  private static int wordEnd(String line, int i, int last) {
    int n = line.length();
    while (i < n) {
      int cp = line.codePointAt(i);
      if (Chars.isWordPart(cp)) {
        last = cp;
        i += Character.charCount(cp);
        continue;
      }
      int next = i + Character.charCount(cp) < n ? line.codePointAt(i + Character.charCount(cp)) : -1;
      boolean joins = switch (cp) {
        case '\'', '\u2019', '-' -> next >= 0 && Chars.isWordPart(next);
        case '.', ',' -> Character.isDigit(last) && next >= 0 && Character.isDigit(next);
        default -> false;
      };
      if (!joins) break;
      last = cp;
      i += Character.charCount(cp);
    }
    return i;
  }

  private String normalize(String raw, int first) {
    if (replaceNumbers && Character.isDigit(first) && isNumber(raw)) return NUMBER;
    return lowercase ? raw.toLowerCase(Locale.ROOT) : raw;
  }

  /** Digits with optional inner points and commas: 7, 1990, 3.14, 1,000. */
  static boolean isNumber(String word) {
    for (int i = 0; i < word.length(); i++) {
      char c = word.charAt(i);
      if (!Character.isDigit(c) && c != '.' && c != ',') return false;
    }
    return true;
  }

  private static boolean isAbbreviation(String word) {
    return word.codePointCount(0, word.length()) == 1 || ABBREVIATIONS.contains(word.toLowerCase(Locale.ROOT));
  }

  private static boolean isTerminal(int cp) {
    return cp == '.' || cp == '!' || cp == '?' || cp == '\u2026';
  }

  private static boolean isClosing(int cp) {
    return cp == '"' || cp == '\'' || cp == ')' || cp == ']' || cp == '\u201D' || cp == '\u2019' || cp == '\u00BB';
  }

  private static boolean startsSentence(int cp) {
    return Character.isUpperCase(cp) || Character.isTitleCase(cp) || Character.isDigit(cp)
        || cp == '"' || cp == '\u201C' || cp == '\u2018' || cp == '\u00AB' || cp == '(';
  }
}
