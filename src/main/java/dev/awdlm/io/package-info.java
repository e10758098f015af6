/**
 * I/O at the edges: Hadoop filesystem helpers for any URI scheme ({@link dev.awdlm.io.HadoopFs}:
 * whole-file reads, atomic writes, listings; {@link dev.awdlm.io.HadoopFiles}: streams and file
 * metadata), JSON, and where everything lives ({@link dev.awdlm.io.RunLayout} for runs and
 * {@code output.dir}, {@link dev.awdlm.io.RegistryLayout} for a retraining registry). Only this
 * package touches {@code FileSystem}, and only the layouts name files.
 */
package dev.awdlm.io;
