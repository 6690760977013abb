package io.backupkit.archivers.tar;

import java.io.IOException;
import java.util.Map;

/**
 * Parses the string options of the tar archivers, failing with a message that names the archiver, the option, the
 * value and what is allowed.
 *
 * <pre>{@code
 * int level = TarOptions.integer("tar.gz", options, "level", 6, 1, 9);
 * }</pre>
 */
final class TarOptions {

    private TarOptions() {
    }

    /**
     * @param archiver the archiver id, for the message
     * @param options the options given
     * @param name the option's name
     * @param fallback the value when the option is absent
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the option's value
     * @throws IOException if the value is not a whole number from {@code min} to {@code max}
     */
    static int integer(String archiver, Map<String, String> options, String name, int fallback, int min, int max)
            throws IOException {
        String value = options.get(name);
        if (value == null) {
            return fallback;
        }
        Integer parsed = parse(value, min, max);
        if (parsed == null) {
            throw new IOException(archiver + " option '" + name + "' must be a whole number " + min + "-" + max
                    + ", was '" + value + "'");
        }
        return parsed;
    }

    /**
     * Like {@link #integer}, but also accepts {@code auto}, for which {@code auto} is returned.
     *
     * @param archiver the archiver id, for the message
     * @param options the options given
     * @param name the option's name
     * @param auto the value {@code "auto"} (and an absent option) stands for
     * @param min the smallest value allowed
     * @param max the largest value allowed
     * @return the option's value
     * @throws IOException if the value is neither {@code auto} nor a whole number from {@code min} to {@code max}
     */
    static int integerOrAuto(String archiver, Map<String, String> options, String name, int auto, int min, int max)
            throws IOException {
        String value = options.get(name);
        if (value == null || value.strip().equalsIgnoreCase("auto")) {
            return auto;
        }
        Integer parsed = parse(value, min, max);
        if (parsed == null) {
            throw new IOException(archiver + " option '" + name + "' must be 'auto' or a whole number " + min + "-"
                    + max + ", was '" + value + "'");
        }
        return parsed;
    }

    private static Integer parse(String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            return n >= min && n <= max ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
