package io.backupkit.examples.cli;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the durations users type on the command line: whole numbers with units ({@code 500ms}, {@code 10s},
 * {@code 30m}, {@code 6h}, {@code 1d}, {@code 2w}, combined as {@code 1h30m}), a bare {@code 0}, or ISO-8601
 * ({@code PT6H}, {@code P30D}). The sign is the caller's to check: ISO-8601 may be negative.
 *
 * <pre>{@code
 * Duration d = CliDurations.parse("--retry-wait", "10s");
 * }</pre>
 */
public final class CliDurations {

    private static final Pattern PART = Pattern.compile("(\\d{1,12})(ms|s|m|h|d|w)");
    private static final Pattern WHOLE = Pattern.compile("(\\d{1,12}(ms|s|m|h|d|w))+");

    private CliDurations() {
    }

    /**
     * @param option the option's name, for the message
     * @param text what the user typed
     * @return the duration
     * @throws IllegalArgumentException naming the option and the value when it is not a duration
     */
    public static Duration parse(String option, String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.equals("0")) {
            return Duration.ZERO; // no unit needed for nothing
        }
        if (WHOLE.matcher(t).matches()) {
            Duration d = Duration.ZERO;
            Matcher m = PART.matcher(t);
            try {
                while (m.find()) {
                    long n = Long.parseLong(m.group(1));
                    d = d.plus(switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        case "d" -> Duration.ofDays(n);
                        default -> Duration.ofDays(Math.multiplyExact(n, 7));
                    });
                }
                return d;
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException(option + ": '" + text + "' is too long a duration");
            }
        }
        if (t.startsWith("p") || t.startsWith("-p")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(option + ": '" + text + "' is not a duration: use e.g. 500ms, 10s, 30m, "
                + "6h, 1d, 2w, 1h30m or ISO-8601 PT6H");
    }
}
