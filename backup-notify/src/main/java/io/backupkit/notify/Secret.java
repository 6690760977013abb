package io.backupkit.notify;

import io.backupkit.BackupException;
import io.backupkit.InvalidPlanException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * A password or token, kept out of messages, logs and {@code toString()} (always {@code Secret[***]}). One read from
 * an environment variable or a file happens each time the secret is used, not when it is made, so a plan can be built
 * before the secret is in place and a changed file is picked up by the next run.
 *
 * <pre>{@code
 * Secret fromEnv = Secret.fromEnv("SMTP_PASSWORD");
 * Secret fromFile = Secret.fromFile(Path.of("/run/secrets/smtp"));  // one trailing line break is dropped
 * Secret inline = Secret.of(console.readPassword("SMTP password: "));
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class Secret {

    private final String variable;
    private final Path file;
    private final char[] value;

    private Secret(String variable, Path file, char[] value) {
        this.variable = variable;
        this.file = file;
        this.value = value;
    }

    /**
     * @param variable the environment variable holding the secret, read each time the secret is used
     * @return the secret
     * @throws InvalidPlanException if {@code variable} is null, blank or holds {@code =}
     */
    public static Secret fromEnv(String variable) {
        if (variable == null || variable.isBlank() || variable.indexOf('=') >= 0) {
            throw new InvalidPlanException(List.of("secret environment variable name must not be blank or hold '=',"
                    + " was '" + variable + "'"));
        }
        return new Secret(variable.strip(), null, null);
    }

    /**
     * @param file a UTF-8 file holding the secret, read each time the secret is used; one trailing line break
     *        ({@code \n} or {@code \r\n}) is dropped
     * @return the secret
     * @throws InvalidPlanException if {@code file} is null
     */
    public static Secret fromFile(Path file) {
        if (file == null) {
            throw new InvalidPlanException(List.of("secret file must not be null"));
        }
        return new Secret(null, file, null);
    }

    /**
     * @param file a UTF-8 file holding the secret, as for {@link #fromFile(Path)}
     * @return the secret
     * @throws InvalidPlanException if {@code file} is null, blank or not a valid path
     */
    public static Secret fromFile(String file) {
        if (file == null || file.isBlank()) {
            throw new InvalidPlanException(List.of("secret file must not be blank, was '" + file + "'"));
        }
        try {
            return fromFile(Path.of(file));
        } catch (java.nio.file.InvalidPathException e) {
            throw new InvalidPlanException(List.of("secret file '" + file + "' is not a valid path: "
                    + e.getReason()));
        }
    }

    /**
     * @param value the secret itself; copied, so the caller may clear its array afterwards
     * @return the secret
     * @throws InvalidPlanException if {@code value} is null or empty
     */
    public static Secret of(char[] value) {
        if (value == null || value.length == 0) {
            throw new InvalidPlanException(List.of("secret must not be null or empty"));
        }
        return new Secret(null, null, value.clone());
    }

    /**
     * Reads the secret: the environment variable or file now, or a copy of the value given.
     *
     * @return a fresh copy, which the caller may clear after use
     * @throws BackupException naming the environment variable or file (never the value), if the variable is not set
     *         or empty, or the file is missing, unreadable or empty
     */
    public char[] reveal() {
        if (value != null) {
            return value.clone();
        }
        if (variable != null) {
            String v = System.getenv(variable);
            if (v == null || v.isEmpty()) {
                throw new BackupException("environment variable " + variable + " is not set or empty");
            }
            return v.toCharArray();
        }
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new BackupException("secret file " + file + " does not exist", e);
        } catch (IOException e) {
            throw new BackupException("cannot read secret file " + file + ": " + e.getClass().getSimpleName(), e);
        }
        if (text.endsWith("\r\n")) {
            text = text.substring(0, text.length() - 2);
        } else if (text.endsWith("\n")) {
            text = text.substring(0, text.length() - 1);
        }
        if (text.isEmpty()) {
            throw new BackupException("secret file " + file + " is empty");
        }
        return text.toCharArray();
    }

    /**
     * @return where the secret comes from, without the secret: {@code "environment variable NAME"},
     *         {@code "file PATH"} or {@code "a value given in code"}
     */
    public String source() {
        if (variable != null) {
            return "environment variable " + variable;
        }
        return file != null ? "file " + file : "a value given in code";
    }

    /**
     * @return {@code Secret[***]}, whatever the secret
     */
    @Override
    public String toString() {
        return "Secret[***]";
    }
}
