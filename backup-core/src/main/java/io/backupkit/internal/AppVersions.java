package io.backupkit.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Orders application version strings the way media servers write them: the leading dotted numbers compared as
 * numbers ({@code 10.10.0} is newer than {@code 10.9.11}; Plex's {@code 1.40.2.8395-c67dce28e} compares as
 * {@code 1.40.2.8395}), missing parts counting as 0.
 *
 * <pre>{@code
 * AppVersions.compare("10.9.11", "10.10.0") < 0
 * }</pre>
 */
final class AppVersions {

    private static final Pattern NUMBERS = Pattern.compile("^\\D{0,16}?(\\d+(?:\\.\\d+)*)");

    private AppVersions() {
    }

    /**
     * @param a a version
     * @param b another
     * @return negative, zero or positive as {@code a} is older than, as old as or newer than {@code b}
     * @throws IllegalArgumentException if either has no leading dotted number and the two differ
     */
    static int compare(String a, String b) {
        List<Long> x = numbers(a);
        List<Long> y = numbers(b);
        if (x == null || y == null) {
            if (a.strip().equals(b.strip())) {
                return 0;
            }
            throw new IllegalArgumentException("cannot order versions '" + a + "' and '" + b + "'");
        }
        for (int i = 0; i < Math.max(x.size(), y.size()); i++) {
            long p = i < x.size() ? x.get(i) : 0;
            long q = i < y.size() ? y.get(i) : 0;
            if (p != q) {
                return Long.compare(p, q);
            }
        }
        return 0;
    }

    private static List<Long> numbers(String v) {
        Matcher m = NUMBERS.matcher(v.strip());
        if (!m.find()) {
            return null;
        }
        List<Long> out = new ArrayList<>();
        for (String part : m.group(1).split("\\.")) {
            try {
                out.add(Long.parseLong(part));
            } catch (NumberFormatException e) {
                return null; // absurdly long digit runs
            }
        }
        return out;
    }
}
