package io.backupkit.examples.cli;

import picocli.CommandLine.Option;

/**
 * The options every {@code backupkit} command accepts: {@code --json}, {@code --quiet}, {@code --debug},
 * {@code --log-level}, {@code --help}.
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

    @Option(names = "--log-level", paramLabel = "LEVEL",
            description = "What the run logs on standard error: off, error, warn (default), info, debug or trace. "
                    + "The run's own log file always holds every step.")
    LogLevel logLevel;

    /** The console log levels. */
    enum LogLevel { off, error, warn, info, debug, trace }

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;
}
