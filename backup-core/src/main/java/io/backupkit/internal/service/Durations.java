package io.backupkit.internal.service;

import io.backupkit.InvalidPlanException;

import java.time.Duration;
import java.util.List;

/**
 * Showing and checking the timeouts of the service controllers.
 *
 * <pre>{@code
 * Durations.display(Duration.ofSeconds(90));   // "90s"
 * }</pre>
 */
public final class Durations {

    private Durations() {
    }

    /**
     * @param d a duration
     * @return it in the largest whole unit: {@code 2m}, {@code 30s}, {@code 250ms}
     */
    public static String display(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        long s = ms / 1000;
        if (s != 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s != 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return s + "s";
    }

    /**
     * @param what the setting's name, for the message
     * @param d the value
     * @param allowZero whether zero is allowed
     * @return {@code d}
     * @throws InvalidPlanException quoting the value, if it is null, negative, or zero when that is not allowed
     */
    public static Duration check(String what, Duration d, boolean allowZero) {
        if (d == null || d.isNegative() || (!allowZero && d.isZero())) {
            throw new InvalidPlanException(List.of(what + " must be " + (allowZero ? "zero or positive" : "positive")
                    + ", was " + d));
        }
        return d;
    }
}
