package dev.awdlm.train;

import dev.awdlm.model.AwdLstmLayerImpl;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.listener.RoutingIterationListener;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.BaseTrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Runs on each parameter-averaging worker and reports every fitted TBPTT window as a
 * {@link WindowNll} to the router dl4j-spark gives it, which ships the reports back to the driver
 * with the worker's parameters. It reads the window after the gradient and score are computed and
 * before the update, so the NLL is the one of the parameters that saw the window.
 *
 * <p>The AWD-LSTM layer reports its summed NLL itself. For DL4J's stock LSTM the NLL is DL4J's
 * score (summed over the window's steps, averaged over examples, plus the regularization score)
 * less the regularization score, times the examples. Both are under training-mode dropout.
 */
public final class NllListener extends BaseTrainingListener implements RoutingIterationListener {
  private transient StatsStorageRouter router;
  private String workerId;
  private String sessionId;

  @Override
  public void onGradientCalculation(Model model) {
    MultiLayerNetwork net = (MultiLayerNetwork) model;
    INDArray labels = net.getLabels();
    long examples = labels.size(0);
    WindowNll window = net.getOutputLayer() instanceof AwdLstmLayerImpl awd
        ? new WindowNll(workerId, awd.trainingNllSum(), awd.trainingTokens())
        : new WindowNll(workerId, (net.score() - net.calcRegularizationScore(true)) * examples, examples * labels.size(2));
    router.putUpdate(window);
  }

  @Override
  public void setStorageRouter(StatsStorageRouter router) {
    this.router = router;
  }

  @Override
  public StatsStorageRouter getStorageRouter() {
    return router;
  }

  @Override
  public void setWorkerID(String workerId) {
    this.workerId = workerId;
  }

  @Override
  public String getWorkerID() {
    return workerId;
  }

  @Override
  public void setSessionID(String sessionId) {
    this.sessionId = sessionId;
  }

  @Override
  public String getSessionID() {
    return sessionId;
  }

  @Override
  public NllListener clone() {
    NllListener copy = new NllListener();
    copy.router = router;
    copy.workerId = workerId;
    copy.sessionId = sessionId;
    return copy;
  }
}
