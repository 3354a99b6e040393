/**
 * The {@code rlhf4j} command line (picocli): one command per stage on the bundled defaults, each
 * with {@code --help}, {@code --seed} and {@code --out}. Entry point: {@link dev.rlhf4j.cli.Main}.
 */
package dev.rlhf4j.cli;
