package dev.awdlm.config;

import java.util.ArrayList;
import java.util.List;

/**
 * salesforce/awd-lstm-lm's Penn Treebank settings, the one place the benchmarks and the ablation
 * notebook take them from. Each preset is a list of config overrides ({@code KEY=VALUE}, as
 * {@code --set} takes them), so it composes with a user's config: applied after the user's
 * overrides, its keys win.
 */
public final class Presets {
  /** awd-lstm-lm's PTB regularization alone: the dropouts, AR/TAR and weight decay; no sizes, no optimiser. */
  public static final List<String> PTB_REGULARIZATION = List.of("model.dropout=0.4", "model.dropouth=0.3", "model.dropouti=0.65",
      "model.dropoute=0.1", "model.wdrop=0.5", "train.alpha=2", "train.beta=1", "train.wdecay=1.2e-6");

  /** The small AWD-LSTM: emsize 200, nhid 400, 3 tied layers, bptt 35, PTB regularization, SGD at lr 30, batch 20. */
  public static final List<String> PTB_SMALL = ptb(200, 400, 3, 35);

  /** awd-lstm-lm's PTB model: emsize 400, nhid 1150, 3 tied layers, bptt 70, PTB regularization, SGD at lr 30, batch 20. */
  public static final List<String> PTB_FULL = ptb(400, 1150, 3, 70);

  private Presets() {}

  /** awd-lstm-lm's PTB recipe (tied AWD-LSTM, PTB regularization, SGD at lr 30, clip 0.25, batch 20) at other sizes. */
  public static List<String> ptb(int emsize, int nhid, int nlayers, int bptt) {
    List<String> o = new ArrayList<>(List.of("model.kind=awd-lstm", "model.emsize=" + emsize, "model.nhid=" + nhid,
        "model.nlayers=" + nlayers, "model.tied=true"));
    o.addAll(PTB_REGULARIZATION);
    o.addAll(List.of("train.optimizer=sgd", "train.lr=30", "train.clip=0.25", "train.bptt=" + bptt, "train.batchSize=20"));
    return List.copyOf(o);
  }
}
