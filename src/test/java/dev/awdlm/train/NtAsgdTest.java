package dev.awdlm.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;

class NtAsgdTest {

  @Test
  void triggersOnlyWhenWorseThanTheBestBeforeTheLastNonmonoEpochs() {
    // nonmono 2: compare with min(history[:-2])
    assertFalse(NtAsgd.shouldTrigger(List.of(), 100, 2), "no history");
    assertFalse(NtAsgd.shouldTrigger(List.of(100.0, 90.0), 200, 2), "len(history) must exceed nonmono");
    // history [100, 90, 80]: min(history[:-2]) = 100; 95 < 100 -> keep SGD, 101 > 100 -> switch
    assertFalse(NtAsgd.shouldTrigger(List.of(100.0, 90.0, 80.0), 95, 2));
    assertTrue(NtAsgd.shouldTrigger(List.of(100.0, 90.0, 80.0), 101, 2));
    // history [100, 70, 90, 85, 88]: min(history[:-2]) = min(100, 70, 90) = 70
    assertFalse(NtAsgd.shouldTrigger(List.of(100.0, 70.0, 90.0, 85.0, 88.0), 70, 2), "equal is not worse");
    assertTrue(NtAsgd.shouldTrigger(List.of(100.0, 70.0, 90.0, 85.0, 88.0), 70.5, 2));
    // nonmono 0: any worsening against the best so far
    assertTrue(NtAsgd.shouldTrigger(List.of(50.0, 40.0), 41, 0));
  }

  @Test
  void averagesIteratesOnlyAfterTheTrigger() {
    NtAsgd asgd = new NtAsgd();
    asgd.add(Nd4j.createFromArray(9.0, 9.0));
    assertNull(asgd.average(), "nothing is averaged before the trigger");
    assertFalse(asgd.active());
    asgd.trigger(3);
    asgd.trigger(5);
    assertEquals(3, asgd.triggerEpoch(), "the first trigger counts");
    asgd.add(Nd4j.createFromArray(1.0, 2.0));
    asgd.add(Nd4j.createFromArray(3.0, 6.0));
    asgd.add(Nd4j.createFromArray(5.0, 1.0));
    assertEquals(3, asgd.count());
    assertArrayEquals(new double[] {3.0, 3.0}, asgd.average().toDoubleVector(), 1e-12);
  }

  @Test
  void averageDoesNotAliasTheIterate() {
    NtAsgd asgd = new NtAsgd();
    asgd.trigger(1);
    var params = Nd4j.create(DataType.FLOAT, 3).assign(2);
    asgd.add(params);
    params.assign(10);
    assertArrayEquals(new double[] {2, 2, 2}, asgd.average().toDoubleVector(), 0);
  }
}
