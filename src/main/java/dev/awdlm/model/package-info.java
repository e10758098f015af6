/**
 * Model stage: the AWD-LSTM (Merity et al. 2017). The math is plain ND4J in {@link
 * dev.awdlm.model.AwdLstmCore} and {@link dev.awdlm.model.Dropouts}; {@link
 * dev.awdlm.model.AwdLstmLayer} and its implementation only adapt it to DL4J, as one output layer
 * of a MultiLayerNetwork, so dl4j-spark and ModelSerializer handle it like any network.
 */
package dev.awdlm.model;
