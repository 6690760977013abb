package io.backupkit.internal.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Command-line helpers: showing an argument vector the way a user would type it, splitting a simple command line
 * into words, and wrapping a command line in the platform shell.
 *
 * <pre>{@code
 * CommandLines.display(List.of("systemctl", "stop", "plex media"));   // systemctl stop 'plex media'
 * CommandLines.words("dpkg-query -W -f=${Version} plexmediaserver");  // [dpkg-query, -W, -f=${Version}, ...]
 * }</pre>
 */
public final class CommandLines {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_@%+=:,./{}$-]+");

    private CommandLines() {
    }

    /**
     * @return whether this JVM runs on Windows
     */
    public static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
    }

    /**
     * @return the platform shell: {@code cmd} on Windows, {@code sh} elsewhere
     */
    public static String defaultShell() {
        return isWindows() ? "cmd" : "sh";
    }

    /**
     * @param shell the shell executable ({@code sh}, {@code cmd} or a path to one)
     * @param commandLine the command line
     * @return the argument vector that runs {@code commandLine} through {@code shell}: {@code sh -c LINE}, or
     *         {@code cmd /c LINE} when the shell's file name is {@code cmd} or {@code cmd.exe}
     */
    public static List<String> throughShell(String shell, String commandLine) {
        String name = shell.replace('\\', '/');
        name = name.substring(name.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
        boolean cmd = name.equals("cmd") || name.equals("cmd.exe");
        return List.of(shell, cmd ? "/c" : "-c", commandLine);
    }

    /**
     * Shows an argument vector as one line: words with spaces or shell characters are single-quoted.
     *
     * @param argv the argument vector
     * @return the line
     */
    public static String display(List<String> argv) {
        StringBuilder out = new StringBuilder();
        for (String arg : argv) {
            if (out.length() > 0) {
                out.append(' ');
            }
            if (PLAIN.matcher(arg).matches()) {
                out.append(arg);
            } else {
                out.append('\'').append(arg.replace("'", "'\\''")).append('\'');
            }
        }
        return out.toString();
    }

    /**
     * Splits a command line into words at white space, without a shell: {@code "..."} and {@code '...'} group words
     * with spaces, {@code \"} inside double quotes is a quote; backslashes are otherwise kept (Windows paths). Nothing
     * is expanded:
     * {@code ${Version}} stays as written.
     *
     * @param commandLine the line
     * @return the words; empty for a blank line
     * @throws IllegalArgumentException if a quote is not closed
     */
    public static List<String> words(String commandLine) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean inWord = false;
        char quote = 0;
        for (int i = 0; i < commandLine.length(); i++) {
            char c = commandLine.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < commandLine.length()
                        && commandLine.charAt(i + 1) == '"') {
                    word.append(commandLine.charAt(++i));
                } else {
                    word.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inWord = true;
            } else if (Character.isWhitespace(c)) {
                if (inWord) {
                    words.add(word.toString());
                    word.setLength(0);
                    inWord = false;
                }
            } else {
                word.append(c);
                inWord = true;
            }
        }
        if (quote != 0) {
            throw new IllegalArgumentException("unclosed " + quote + " in '" + commandLine + "'");
        }
        if (inWord) {
            words.add(word.toString());
        }
        return List.copyOf(words);
    }

    /**
     * @param text a command's output
     * @param lines how many lines to keep
     * @return the last {@code lines} non-blank lines of {@code text}, joined with {@code " | "}
     */
    public static String tail(String text, int lines) {
        List<String> kept = new ArrayList<>();
        for (String line : text.split("\\R")) {
            if (!line.isBlank()) {
                kept.add(line.strip());
            }
        }
        return String.join(" | ", kept.subList(Math.max(0, kept.size() - lines), kept.size()));
    }
}
