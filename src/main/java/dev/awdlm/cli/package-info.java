/**
 * Command-line entry points ({@code awdlm prepare|train|evaluate|pipeline|bench}). Each command
 * only parses options, builds the validated config and calls a stage's {@code run} method; exit
 * codes are 0 (ok), 2 (usage or config error) and 1 (runtime failure).
 */
package dev.awdlm.cli;
