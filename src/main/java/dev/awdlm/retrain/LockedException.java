package dev.awdlm.retrain;

/** Another retrain holds the registry's lease; the command exits with {@code 3}. */
public final class LockedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public LockedException(String message) {
    super(message);
  }
}
