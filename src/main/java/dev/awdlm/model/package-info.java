/**
 * Model stage: builds the language-model network from a {@link dev.awdlm.config.ModelConfig}.
 * Until the AWD-LSTM layers land this is a stock DL4J embedding + LSTM stack + softmax decoder.
 */
package dev.awdlm.model;
