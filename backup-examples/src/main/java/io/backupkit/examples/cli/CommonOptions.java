package io.backupkit.examples.cli;

import picocli.CommandLine.Option;

/**
 * The options every {@code backupkit} command accepts: {@code --json}, {@code --quiet}, {@code --debug},
 * {@code --help}.
 *
 * <pre>{@code
 * @Mixin CommonOptions common;
 * }</pre>
 */
final class CommonOptions {

    @Option(names = "--json", description = "Print the result as JSON on standard output instead of text.")
    boolean json;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar: only errors, warnings and the final line.")
    boolean quiet;

    @Option(names = "--debug", description = "Print stack traces with errors; as a program, also log at debug level.")
    boolean debug;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
