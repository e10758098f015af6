/**
 * Scheduled retraining ({@code awdlm retrain}): under a registry's lease, a challenger trained on a
 * new corpus snapshot, warm-started from the champion, replaces it only when {@link
 * dev.awdlm.retrain.Promotion} says so. {@link dev.awdlm.retrain.Retrain} runs one retrain;
 * {@link dev.awdlm.retrain.Registry} and {@link dev.awdlm.retrain.Lease} keep the registry
 * consistent whatever crashes or runs at the same time.
 */
package dev.awdlm.retrain;
