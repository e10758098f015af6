package dev.awdlm.notebooks;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * A mask as a raster: one {@code cell x cell} square per entry, row i of the matrix at the i-th band
 * from the top. Dropped entries (0) are white, kept ones dark. No axes or anti-aliasing, so a
 * pixel maps back to exactly one mask entry and tests can read the structure off the PNG.
 */
public final class Heatmap {
  static final int DROPPED = 0xFFFFFF;
  static final int KEPT = 0x1F4E79;

  private Heatmap() {}

  public static byte[] png(double[][] m, int cell) {
    int rows = m.length;
    int cols = m[0].length;
    BufferedImage img = new BufferedImage(cols * cell, rows * cell, BufferedImage.TYPE_INT_RGB);
    for (int i = 0; i < rows; i++) {
      for (int j = 0; j < cols; j++) {
        int rgb = m[i][j] == 0 ? DROPPED : KEPT;
        for (int y = i * cell; y < (i + 1) * cell; y++) {
          for (int x = j * cell; x < (j + 1) * cell; x++) img.setRGB(x, y, rgb);
        }
      }
    }
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "png", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot encode a heatmap", e);
    }
  }

  /** Reads a heatmap PNG back into a 0/1 matrix (1 = kept), sampling each cell's centre. */
  public static int[][] read(byte[] png, int cell) {
    try {
      BufferedImage img = ImageIO.read(new java.io.ByteArrayInputStream(png));
      int[][] m = new int[img.getHeight() / cell][img.getWidth() / cell];
      for (int i = 0; i < m.length; i++) {
        for (int j = 0; j < m[0].length; j++) {
          m[i][j] = (img.getRGB(j * cell + cell / 2, i * cell + cell / 2) & 0xFFFFFF) == DROPPED ? 0 : 1;
        }
      }
      return m;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot decode a heatmap", e);
    }
  }
}
