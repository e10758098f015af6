package dev.awdlm.config;

/**
 * AWD-LSTM architecture and regularisation, named after salesforce/awd-lstm-lm's flags.
 *
 * @param emsize embedding size (and the last LSTM layer's size when tied)
 * @param nhid hidden size of the inner LSTM layers
 * @param nlayers number of LSTM layers
 * @param dropout locked dropout on the last LSTM output
 * @param dropouth locked dropout between LSTM layers
 * @param dropouti locked dropout on the embedding output
 * @param dropoute embedding (whole word) dropout
 * @param wdrop weight drop on the hidden-to-hidden matrices
 * @param tied share the embedding matrix with the decoder
 * @param kind {@code awd-lstm} (awdlm's AWD-LSTM layer), or {@code lstm}: DL4J's stock LSTM stack
 *     with Zaremba et al.'s dropout ({@code dropout} on every non-recurrent connection, a new mask per
 *     step), the baseline of the ablation notebook
 */
public record ModelConfig(
    int emsize,
    int nhid,
    int nlayers,
    double dropout,
    double dropouth,
    double dropouti,
    double dropoute,
    double wdrop,
    boolean tied,
    Kind kind) {

  /** {@code model.kind}: the network {@code LanguageModels} builds. */
  public enum Kind implements ConfigEnum {
    AWD_LSTM,
    LSTM
  }

  public ModelConfig {
    Check.positive("model.emsize", emsize);
    Check.positive("model.nhid", nhid);
    Check.positive("model.nlayers", nlayers);
    Check.probability("model.dropout", dropout);
    Check.probability("model.dropouth", dropouth);
    Check.probability("model.dropouti", dropouti);
    Check.probability("model.dropoute", dropoute);
    Check.probability("model.wdrop", wdrop);
    ConfigEnum.require("model.kind", kind, Kind.class);
  }

  /** Hidden size of LSTM layer {@code layer} (0-based); awd-lstm-lm shrinks the last one to emsize when tied. */
  public int hiddenSize(int layer) {
    return layer == nlayers - 1 && tied ? emsize : nhid;
  }
}
