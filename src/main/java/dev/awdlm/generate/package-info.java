/**
 * Generation: text sampled from a saved model on the driver, token by token from its next-token
 * probabilities, with temperature and top-k, reproducible for a seed ({@code awdlm generate}).
 */
package dev.awdlm.generate;
