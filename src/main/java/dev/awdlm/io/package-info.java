/**
 * I/O at the edges: Hadoop filesystem helpers (any URI scheme), atomic writes, and the layout of a
 * run's output directory. Only this package and the jobs touch {@code FileSystem}.
 */
package dev.awdlm.io;
