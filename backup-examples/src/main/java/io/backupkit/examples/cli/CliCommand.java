package io.backupkit.examples.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * What every {@code backupkit} subcommand shares: the common options, the output streams, the progress bar and the
 * formatting of numbers and durations. A subcommand returns its exit code; failures are thrown and turned into
 * exit codes and one error line by {@link ErrorHandler}.
 *
 * <pre>{@code
 * @Command(name = "list")
 * final class ListCommand extends CliCommand { ... }
 * }</pre>
 */
abstract class CliCommand implements Callable<Integer> {

    @ParentCommand
    BackupKitCli cli;

    @Spec
    CommandSpec spec;

    @Mixin
    CommonOptions common = new CommonOptions();

    /**
     * @return standard output: results only
     */
    final PrintStream out() {
        return cli.out;
    }

    /**
     * @return standard error: progress, warnings, errors
     */
    final PrintStream err() {
        return cli.err;
    }

    /**
     * @return a progress display: drawing only on an interactive console and without {@code --quiet}
     */
    final ProgressDisplay progress() {
        return new ProgressDisplay(cli.err, cli.interactive && !common.quiet);
    }

    /**
     * @param value a result record or list of them
     */
    final void printJson(Object value) {
        out().println(JsonText.write(value));
    }

    /**
     * @param warnings the run's warnings, each printed as {@code warning: ...} on standard error
     */
    final void printWarnings(List<String> warnings) {
        for (String w : warnings) {
            err().println("warning: " + ErrorHandler.oneLine(w));
        }
    }

    /**
     * @param d a duration
     * @return it in seconds with two decimals, e.g. {@code 1.25}
     */
    static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e9);
    }
}
