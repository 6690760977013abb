package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import io.backupkit.CorruptSnapshotException;
import io.backupkit.VerifyProblem;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.IParameterExceptionHandler;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.PrintWriter;

/**
 * Turns failures into exit codes and messages on standard error.
 *
 * <ul>
 *   <li>Bad usage (missing or unknown option, bad number): the parser's message, suggestions for a mistyped option,
 *       and a hint line; exit {@value BackupKitCli#EXIT_USAGE}.</li>
 *   <li>A failed operation ({@link BackupException} and anything unexpected): exactly one line
 *       {@code backupkit: error: <message>}; a {@link CorruptSnapshotException} adds each problem on its own line,
 *       indented by two spaces; the stack trace only with {@code --debug}. Exit {@value BackupKitCli#EXIT_FAILED}.</li>
 * </ul>
 *
 * <pre>{@code
 * commandLine.setExecutionExceptionHandler(handler).setParameterExceptionHandler(handler);
 * }</pre>
 */
final class ErrorHandler implements IExecutionExceptionHandler, IParameterExceptionHandler {

    /** Start of every error line. */
    static final String PREFIX = "backupkit: error: ";

    @Override
    public int handleParseException(ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        PrintWriter err = cmd.getErr();
        if (!(ex instanceof UnmatchedArgumentException) && !cmd.getUnmatchedArguments().isEmpty()) {
            // a mistyped option also leaves a required one missing: the typo is the thing to fix
            ex = new UnmatchedArgumentException(cmd, cmd.getUnmatchedArguments());
        }
        err.println(PREFIX + oneLine(ex.getMessage()));
        UnmatchedArgumentException.printSuggestions(ex, err);
        err.println("Try '" + cmd.getCommandSpec().qualifiedName() + " --help' for more information.");
        err.flush();
        return BackupKitCli.EXIT_USAGE;
    }

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, ParseResult parseResult) {
        PrintWriter err = cmd.getErr();
        err.println(PREFIX + oneLine(message(ex)));
        if (ex instanceof CorruptSnapshotException c && c.verifyResult() != null) {
            for (VerifyProblem p : c.verifyResult().problems()) {
                err.println("  " + oneLine(p.toString()));
            }
        }
        if (debug(cmd)) {
            ex.printStackTrace(err);
        }
        err.flush();
        return BackupKitCli.EXIT_FAILED;
    }

    private static boolean debug(CommandLine cmd) {
        return cmd.getCommand() instanceof CliCommand c && c.common.debug;
    }

    private static String message(Exception ex) {
        if (ex instanceof BackupException && ex.getMessage() != null) {
            return ex.getMessage();
        }
        if (ex instanceof java.io.IOException && ex.getMessage() != null) {
            return ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        // not one of BackupKit's own: name the type, the message alone may be meaningless ("null", a bare path)
        String type = ex.getClass().getName();
        return ex.getMessage() == null ? "unexpected " + type + " (run with --debug for the stack trace)"
                : "unexpected " + type + ": " + ex.getMessage() + " (run with --debug for the stack trace)";
    }

    /**
     * @param text any text
     * @return it on one line: line breaks become {@code " / "}, trailing blanks are dropped
     */
    static String oneLine(String text) {
        if (text == null) {
            return "null";
        }
        return text.strip().replaceAll("\\s*(\\r\\n|\\r|\\n)+\\s*", " / ");
    }
}
