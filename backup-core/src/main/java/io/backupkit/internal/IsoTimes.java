package io.backupkit.internal;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * The index's times: {@link Instant#toString()}'s text ({@code 2026-11-22T03:58:00.123456789Z}, the fraction in
 * groups of three digits as needed), written and read without {@link java.time.format.DateTimeFormatter}, which
 * cost more per entry than the rest of a walked entry. Years 0 to 9999 take the fast path; any other time, and
 * any text not in exactly that form, goes through {@link Instant} itself, so the results are always
 * {@code Instant}'s.
 *
 * <pre>{@code
 * String text = IsoTimes.format(Files.getLastModifiedTime(p)); // equals getLastModifiedTime(p).toInstant().toString()
 * Instant t = IsoTimes.parse(text);                            // equals Instant.parse(text)
 * }</pre>
 */
final class IsoTimes {

    /** 0000-01-01T00:00:00Z and 10000-01-01T00:00:00Z as seconds since the epoch. */
    private static final long MIN_FAST = -62_167_219_200L;
    private static final long MAX_FAST = 253_402_300_800L;
    private static final long DAYS_0000_TO_1970 = 719_528L;

    private IsoTimes() {
    }

    /**
     * @param time a file time
     * @return {@code time.toInstant().toString()}
     */
    static String format(FileTime time) {
        return format(time.toInstant());
    }

    /**
     * @param instant an instant
     * @return {@code instant.toString()}
     */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < MIN_FAST || seconds >= MAX_FAST) {
            return instant.toString();
        }
        return format(seconds, instant.getNano());
    }

    private static String format(long epochSecond, int nano) {
        long days = Math.floorDiv(epochSecond, 86_400L);
        int secondOfDay = (int) Math.floorMod(epochSecond, 86_400L);
        // civil-from-days (proleptic Gregorian), days counted from 0000-03-01
        long z = days + DAYS_0000_TO_1970 - 60;
        long era = Math.floorDiv(z, 146_097L);
        int dayOfEra = (int) (z - era * 146_097L);
        int yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365;
        int dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
        int mp = (5 * dayOfYear + 2) / 153;
        int day = dayOfYear - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        long year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);

        char[] c = new char[30];
        digits(c, 0, (int) year, 4);
        c[4] = '-';
        digits(c, 5, month, 2);
        c[7] = '-';
        digits(c, 8, day, 2);
        c[10] = 'T';
        digits(c, 11, secondOfDay / 3600, 2);
        c[13] = ':';
        digits(c, 14, secondOfDay / 60 % 60, 2);
        c[16] = ':';
        digits(c, 17, secondOfDay % 60, 2);
        int n = 19;
        if (nano != 0) {
            c[n++] = '.';
            if (nano % 1_000_000 == 0) {
                digits(c, n, nano / 1_000_000, 3);
                n += 3;
            } else if (nano % 1000 == 0) {
                digits(c, n, nano / 1000, 6);
                n += 6;
            } else {
                digits(c, n, nano, 9);
                n += 9;
            }
        }
        c[n++] = 'Z';
        return new String(c, 0, n);
    }

    private static void digits(char[] c, int at, int value, int width) {
        for (int i = at + width - 1; i >= at; i--) {
            c[i] = (char) ('0' + value % 10);
            value /= 10;
        }
    }

    /**
     * @param text a time as {@link Instant#toString()} writes it, or any text {@link Instant#parse} accepts
     * @return the instant
     * @throws DateTimeParseException if {@link Instant#parse} refuses the text
     */
    static Instant parse(CharSequence text) {
        int len = text.length();
        // the canonical form only: 20 characters, or 24, 27 or 30 with a fraction; anything else goes to Instant
        if ((len == 20 || len == 24 || len == 27 || len == 30) && text.charAt(len - 1) == 'Z'
                && text.charAt(4) == '-' && text.charAt(7) == '-' && text.charAt(10) == 'T'
                && text.charAt(13) == ':' && text.charAt(16) == ':' && (len == 20 || text.charAt(19) == '.')) {
            int year = number(text, 0, 4);
            int month = number(text, 5, 2);
            int day = number(text, 8, 2);
            int hour = number(text, 11, 2);
            int minute = number(text, 14, 2);
            int second = number(text, 17, 2);
            int fraction = len == 20 ? 0 : number(text, 20, len - 21);
            if (year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= daysIn(year, month)
                    && hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59
                    && fraction >= 0) {
                int nano = switch (len) {
                    case 24 -> fraction * 1_000_000;
                    case 27 -> fraction * 1000;
                    default -> fraction;
                };
                long days = daysFromCivil(year, month, day);
                return Instant.ofEpochSecond(days * 86_400L + hour * 3600L + minute * 60L + second, nano);
            }
        }
        return Instant.parse(text);
    }

    /** @return the digits as a number, or -1 when one of them is not an ASCII digit */
    private static int number(CharSequence text, int at, int width) {
        int v = 0;
        for (int i = at; i < at + width; i++) {
            char ch = text.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** days-from-civil: days since 1970-01-01 of a proleptic Gregorian date */
    private static long daysFromCivil(int year, int month, int day) {
        int y = month <= 2 ? year - 1 : year;
        int era = Math.floorDiv(y, 400);
        int yearOfEra = y - era * 400;
        int mp = month > 2 ? month - 3 : month + 9;
        int dayOfYear = (153 * mp + 2) / 5 + day - 1;
        int dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
        return era * 146_097L + dayOfEra - DAYS_0000_TO_1970 + 60;
    }
}
