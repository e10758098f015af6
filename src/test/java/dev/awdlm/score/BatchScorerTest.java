package dev.awdlm.score;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.awdlm.config.AwdlmConfig;
import dev.awdlm.config.ConfigLoader;
import dev.awdlm.model.LanguageModels;
import dev.awdlm.train.LearningRateSchedule;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Batched scoring against one sequence at a time, for both network kinds: the AWD-LSTM (its own
 * row-scoring pass) and the stock DL4J LSTM ({@code rnnTimeStep} on padded batches), with windows
 * shorter than most sequences so that state is carried between them.
 */
class BatchScorerTest {
  private static final int VOCAB = 30;
  private static final int EOS = 3;

  private static MultiLayerNetwork net(String kind) {
    AwdlmConfig c = ConfigLoader.load(null, List.of("model.kind=" + kind, "model.emsize=8", "model.nhid=12", "model.nlayers=2",
        "model.tied=false", "model.dropout=0", "model.dropouth=0", "model.dropouti=0", "model.dropoute=0", "model.wdrop=0"));
    return LanguageModels.of(c.model(), c.train(), VOCAB, LearningRateSchedule.initial(c.train()));
  }

  private static List<int[]> sequences() {
    Random r = new Random(9);
    List<int[]> out = new ArrayList<>();
    for (int i = 0; i < 11; i++) {
      int[] s = new int[1 + r.nextInt(25)];
      for (int t = 0; t < s.length; t++) s[t] = r.nextInt(VOCAB);
      out.add(s);
    }
    return out;
  }

  @ParameterizedTest
  @ValueSource(strings = {"awd-lstm", "lstm"})
  void batchesOfAnySizeScoreEachSequenceAsAlone(String kind) {
    MultiLayerNetwork net = net(kind);
    List<int[]> seqs = sequences();
    double[] alone = new double[seqs.size()];
    for (int i = 0; i < alone.length; i++) alone[i] = RecordScoringTest.oneAtATime(net, seqs.get(i), EOS);
    for (int batch : new int[] {1, 3, 50}) {
      double[] nll = new BatchScorer(net, EOS, 4, batch).score(seqs);
      for (int i = 0; i < alone.length; i++) assertEquals(alone[i], nll[i], 1e-6 * alone[i], kind + " batch " + batch + " sequence " + i);
    }
  }

  @Test
  void noSequencesNoWork() {
    assertEquals(0, new BatchScorer(net("awd-lstm"), EOS, 4, 8).score(List.of()).length);
  }
}
