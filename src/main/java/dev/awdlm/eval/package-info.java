/**
 * Evaluation stage: perplexity computed by awdlm itself, {@code exp(total NLL / predicted tokens)},
 * with hidden state carried across a whole split as awd-lstm-lm's {@code evaluate} does.
 */
package dev.awdlm.eval;
