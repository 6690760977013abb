package io.backupkit.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations users type on the command line: a whole number with a unit ({@code 500ms}, {@code 10s},
 * {@code 2m}, {@code 6h}, {@code 1d}, {@code 2w}) or ISO-8601 ({@code PT6H}, {@code P30D}).
 *
 * <pre>{@code
 * Duration d = CliDurations.parse("--retry-wait", "10s");
 * }</pre>
 */
final class CliDurations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,12})\\s*(ms|s|m|h|d|w)");

    private CliDurations() {
    }

    /**
     * @param option the option's name, for the message
     * @param text what the user typed
     * @return the duration, zero or more
     * @throws IllegalArgumentException naming the option and the value when it is not a duration
     */
    static Duration parse(String option, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        Matcher m = SHORT.matcher(t);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                default -> Duration.ofDays(7 * n);
            };
        }
        try {
            Duration d = Duration.parse(t.toUpperCase(Locale.ROOT));
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // reported below
        }
        throw new IllegalArgumentException(option + " needs a duration such as 500ms, 10s, 2m, 6h, 30d, 2w or "
                + "P30D, was '" + text + "'");
    }
}
