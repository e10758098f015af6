/**
 * Command-line entry points: {@link dev.awdlm.cli.AwdlmCommand} ({@code jobs/awdlm}, spark-submit)
 * and one picocli command per stage. Each command only parses options, builds the validated config
 * and calls a stage's {@code run} method.
 *
 * <ul>
 *   <li>{@code prepare}: read, tokenize, count the vocabulary, export the DataSet files of a new run
 *   <li>{@code train}: train a prepared run ({@code --resume} continues from its checkpoints)
 *   <li>{@code finetune}: awd-lstm-lm's finetune of a trained run, into its {@code finetune/} directory
 *   <li>{@code evaluate}: a trained run's valid and test perplexity and report, or a saved model's
 *       perplexity on any text ({@code --model --data})
 *   <li>{@code pipeline}: prepare, train, evaluate and report in one Spark application
 *   <li>{@code score}: per-record perplexity of a saved model, written as Parquet
 *   <li>{@code generate}: text sampled from a saved model
 *   <li>{@code bench ceiling|prepare|model|scaling|quality|score}: the benchmarks, each against a
 *       baseline measured in the same run
 *   <li>{@code notebooks}: regenerate {@code notebooks-export/} (dropout masks, ablation)
 *   <li>{@code retrain}: a scheduled retrain against a model registry
 * </ul>
 *
 * <p>Exit codes: 0 ok; 1 failure; 2 usage or config error (a {@link dev.awdlm.config.ConfigError},
 * also when a Spark task raised it); 3 the registry is locked by another retrain.
 */
package dev.awdlm.cli;
