package dev.awdlm.corpus;

import java.io.Serializable;
import java.util.Comparator;

/** A token and how often it occurs in the train split. */
public record TokenCount(String token, long count) implements Serializable {

  /** Descending count, then ascending token: a total order, hence deterministic top-K. */
  static final class ByFrequency implements Comparator<TokenCount>, Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public int compare(TokenCount a, TokenCount b) {
      int c = Long.compare(b.count(), a.count());
      return c != 0 ? c : a.token().compareTo(b.token());
    }
  }
}
