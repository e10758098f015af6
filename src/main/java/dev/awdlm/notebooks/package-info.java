/**
 * The generators of {@code notebooks-export/}: the dropout-mask heatmaps, the regularization
 * ablation and the recipe ablation. The two ablations train through the real pipeline on a corpus
 * sample at a budget of the caller's choosing, and state their verdicts from the runs' own reports
 * by rules tested here (the seeds' spread, the overfitting check, the equal parameter counts).
 */
package dev.awdlm.notebooks;
