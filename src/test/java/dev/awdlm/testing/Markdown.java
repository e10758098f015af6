package dev.awdlm.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Markdown file as far as the docs tests read it: fenced code blocks, headings with the anchors
 * GitHub gives them, inline links and images, and inline code, each with its line number. Text
 * inside code (fenced or inline) is never read as a link or a heading.
 */
public final class Markdown {
  /** A line of prose (outside fences), or an inline code span, with its 1-based line number. */
  public record Line(int number, String text) {}

  /** A fenced code block: the line of its opening fence, its info string ({@code bash}, or empty) and its lines. */
  public record Block(int line, String info, List<String> lines) {}

  /** A link or image target as written, with its line. */
  public record Link(int line, String target) {}

  private static final Pattern FENCE = Pattern.compile("^\\s*(`{3,}|~{3,})\\s*([\\w+-]*).*$");
  private static final Pattern HEADING = Pattern.compile("^\\s{0,3}#{1,6}\\s+(.*?)\\s*#*\\s*$");
  private static final Pattern CODE_SPAN = Pattern.compile("(`+)(.+?)\\1");
  private static final Pattern INLINE_LINK = Pattern.compile(
      "!?\\[((?:[^\\[\\]]|\\[[^\\]]*\\])*)\\]\\(\\s*<?([^)\\s>]*)>?(?:\\s+\"[^\"]*\")?\\s*\\)");
  private static final Pattern REFERENCE_DEFINITION = Pattern.compile("^\\s{0,3}\\[[^\\]]+\\]:\\s*<?(\\S+?)>?(?:\\s.*)?$");

  private final Path file;
  private final List<Line> prose = new ArrayList<>();
  private final List<Block> blocks = new ArrayList<>();

  private Markdown(Path file, String text) {
    this.file = file;
    String[] lines = text.split("\n", -1);
    Block open = null;
    String fence = null;
    for (int i = 0; i < lines.length; i++) {
      Matcher m = FENCE.matcher(lines[i]);
      if (open == null && m.matches()) {
        fence = m.group(1);
        open = new Block(i + 1, m.group(2).toLowerCase(Locale.ROOT), new ArrayList<>());
      } else if (open != null && lines[i].trim().matches(Pattern.quote(fence) + Pattern.quote(fence.substring(0, 1)) + "*")) {
        blocks.add(open);
        open = null;
      } else if (open != null) {
        open.lines().add(lines[i]);
      } else {
        prose.add(new Line(i + 1, lines[i]));
      }
    }
    if (open != null) blocks.add(open); // an unclosed fence runs to the end, as GitHub renders it
  }

  public static Markdown read(Path file) {
    try {
      return new Markdown(file, Files.readString(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Markdown of(Path file, String text) {
    return new Markdown(file, text);
  }

  public Path file() {
    return file;
  }

  public List<Block> codeBlocks() {
    return blocks;
  }

  /** Lines outside fenced code, inline code left in. */
  public List<Line> prose() {
    return prose;
  }

  /** The prose lines of the section under the heading {@code ## title}, up to the next such heading. */
  public List<Line> section(String title) {
    List<Line> lines = new ArrayList<>();
    boolean in = false;
    for (Line l : prose) {
      if (l.text().startsWith("## ")) in = l.text().substring(3).trim().equals(title);
      else if (in) lines.add(l);
    }
    return lines;
  }

  /** Inline code spans outside fenced code, backticks removed. */
  public List<Line> codeSpans() {
    List<Line> spans = new ArrayList<>();
    for (Line l : prose) {
      Matcher m = CODE_SPAN.matcher(l.text());
      while (m.find()) spans.add(new Line(l.number(), m.group(2).trim()));
    }
    return spans;
  }

  /** Inline links, images and reference definitions, outside code. */
  public List<Link> links() {
    List<Link> links = new ArrayList<>();
    for (Line l : prose) {
      String text = withoutCode(l.text());
      Matcher m = INLINE_LINK.matcher(text);
      while (m.find()) links.add(new Link(l.number(), m.group(2)));
      Matcher d = REFERENCE_DEFINITION.matcher(text);
      if (d.matches()) links.add(new Link(l.number(), d.group(1)));
    }
    return links;
  }

  /** The anchors of the headings, as GitHub makes them: {@link #slug}, a repeated one numbered -1, -2, ... */
  public Set<String> anchors() {
    Set<String> anchors = new LinkedHashSet<>();
    Map<String, Integer> seen = new HashMap<>();
    for (Line l : prose) {
      Matcher m = HEADING.matcher(l.text());
      if (!m.matches()) continue;
      String slug = slug(m.group(1));
      int n = seen.merge(slug, 1, Integer::sum) - 1;
      anchors.add(n == 0 ? slug : slug + "-" + n);
    }
    return anchors;
  }

  /**
   * GitHub's anchor for a heading: its rendered text (inline code and link text kept, the markup
   * dropped), lower-cased, punctuation and symbols removed, each space a hyphen.
   */
  public static String slug(String heading) {
    String text = heading.replaceAll("!?\\[([^\\]]*)\\]\\([^)]*\\)", "$1").replace("`", "").trim();
    return text.toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{M}\\p{N}_ -]", "").replace(' ', '-');
  }

  private static String withoutCode(String line) {
    return CODE_SPAN.matcher(line).replaceAll(r -> " ".repeat(r.group().length()));
  }
}
