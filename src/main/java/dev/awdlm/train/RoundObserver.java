package dev.awdlm.train;

/**
 * Where the driver learns what one training round trained: {@link RoundCollector} under
 * parameter averaging (the workers' own reports), {@link SharedRounds} under gradient sharing.
 */
public interface RoundObserver {
  /** What the workers trained since the last call. */
  RoundCollector.Tally drain();
}
