package dev.awdlm.notebooks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.awdlm.model.MaskFigures;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the dropout-mask notebook and reads the structure back off the PNGs: what each
 * heatmap must show follows from what the mask means.
 */
class MaskNotebookTest {
  @TempDir static Path dir;

  @BeforeAll
  static void generate() {
    MaskNotebook.write(dir, 2017);
  }

  private static int[][] figure(String name) throws Exception {
    return Heatmap.read(Files.readAllBytes(dir.resolve("figures").resolve(name)), MaskNotebook.CELL);
  }

  @Test
  void lockedDropoutColumnsAreConstantOverTime() throws Exception {
    int[][] m = figure(MaskNotebook.LOCKED);
    assertEquals(MaskNotebook.STEPS, m.length, "rows are time steps");
    assertEquals(MaskNotebook.UNITS, m[0].length, "columns are units");
    for (int j = 0; j < m[0].length; j++) {
      for (int t = 1; t < m.length; t++) assertEquals(m[0][j], m[t][j], "unit " + j + " at step " + t);
    }
    double kept = kept(m);
    assertTrue(kept > 0.2 && kept < 0.8, "some units dropped and some kept at p=0.5: " + kept);
  }

  @Test
  void standardDropoutDrawsANewMaskEveryStep() throws Exception {
    int[][] m = figure(MaskNotebook.PER_STEP);
    int varying = 0;
    for (int j = 0; j < m[0].length; j++) {
      for (int t = 1; t < m.length; t++) {
        if (m[t][j] != m[0][j]) {
          varying++;
          break;
        }
      }
    }
    assertEquals(MaskNotebook.UNITS, varying, "at p=0.5 over 30 steps every unit is on in some steps and off in others");
    double kept = kept(m);
    assertTrue(Math.abs(kept - 0.5) < 0.06, "kept fraction " + kept);
  }

  @Test
  void weightDropIsOneMaskOverTheRecurrentMatrix() throws Exception {
    int[][] m = figure(MaskNotebook.WEIGHT_DROP);
    assertEquals(12, m.length);
    assertEquals(48, m[0].length, "hidden x 4*hidden: the four gates' W_hh side by side");
    double kept = kept(m);
    assertTrue(Math.abs(kept - 0.5) < 0.07, "individual weights dropped at p=0.5: " + kept);
  }

  @Test
  void embeddingDropoutDropsWholeWords() throws Exception {
    int[][] m = figure(MaskNotebook.EMBEDDING);
    int dropped = 0;
    for (int[] row : m) {
      for (int v : row) assertEquals(row[0], v, "a word's vector is all kept or all dropped");
      if (row[0] == 0) dropped++;
    }
    assertTrue(dropped > 0 && dropped < m.length, "p=0.4 drops some of 40 words: " + dropped);
  }

  @Test
  void embeddingDropoutScalesTheWordsItKeeps() {
    double p = 0.4;
    double[][] e = MaskFigures.embedding(10_000, 40, 24, p, 2017);
    for (double[] row : e) {
      for (double v : row) assertTrue(v == 0 || Math.abs(v - 1 / (1 - p)) < 1e-6, "0 or 1/(1-p), inverted dropout: " + v);
    }
  }

  @Test
  void theNotebookShowsEveryFigureAndTheCountedStructure() throws Exception {
    String md = Files.readString(dir.resolve(MaskNotebook.NAME));
    for (String f : new String[] {MaskNotebook.PER_STEP, MaskNotebook.LOCKED, MaskNotebook.WEIGHT_DROP, MaskNotebook.EMBEDDING}) {
      assertTrue(md.contains("](figures/" + f + ")"), f);
    }
    assertTrue(md.contains("Columns constant over time: " + MaskNotebook.UNITS + " of " + MaskNotebook.UNITS), md);
    assertTrue(md.contains("Rows that are all kept or all dropped: 40 of 40"), md);
  }

  @Test
  void theCommittedFiguresAreTheOnesTheCodeDraws() throws Exception {
    Path committed = Path.of("notebooks-export");
    for (String f : new String[] {MaskNotebook.PER_STEP, MaskNotebook.LOCKED, MaskNotebook.WEIGHT_DROP, MaskNotebook.EMBEDDING}) {
      assertArrayEquals(Files.readAllBytes(dir.resolve("figures").resolve(f)),
          Files.readAllBytes(committed.resolve("figures").resolve(f)), f + " is stale: run jobs/awdlm notebooks --only masks");
    }
    assertEquals(Files.readString(dir.resolve(MaskNotebook.NAME)), Files.readString(committed.resolve(MaskNotebook.NAME)),
        "dropout-masks.md is stale: run jobs/awdlm notebooks --only masks");
  }

  private static double kept(int[][] m) {
    long k = 0;
    long n = 0;
    for (int[] row : m) {
      for (int v : row) {
        n++;
        k += v;
      }
    }
    return (double) k / n;
  }
}
