/**
 * The generated notebooks of {@code awdlm notebooks}, Markdown with figures under
 * {@code notebooks-export/}: the dropout masks drawn from the model's own code ({@link
 * dev.awdlm.notebooks.MaskNotebook}) and the regularization ablation trained through the real
 * pipeline ({@link dev.awdlm.notebooks.AblationNotebook}). Every number in them is computed, none
 * typed in.
 */
package dev.awdlm.notebooks;
