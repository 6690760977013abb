package io.backupkit.internal;

/**
 * Maps unit names (source-relative folder paths, {@code ""} for the root files) to file names that are safe on every
 * file system the snapshot may land on. The root unit is {@code _root}; other names are kept readable, with
 * characters that Windows, SMB shares or the {@code /} separator would break written as {@code %XX}.
 *
 * <pre>{@code
 * UnitNames.fileName("Media/localhost");   // "Media%2Flocalhost"
 * }</pre>
 */
public final class UnitNames {

    /** File name of the unit holding the files at the source root. */
    public static final String ROOT = "_root";

    private static final String HEX = "0123456789ABCDEF";

    private UnitNames() {
    }

    /**
     * @param unit the unit's name
     * @return a file name for it, without extension
     */
    public static String fileName(String unit) {
        if (unit.isEmpty()) {
            return ROOT;
        }
        StringBuilder sb = new StringBuilder(unit.length() + 8);
        for (int i = 0; i < unit.length(); i++) {
            char c = unit.charAt(i);
            boolean first = i == 0;
            boolean last = i == unit.length() - 1;
            boolean unsafe = c < 0x20 || c == 0x7f || "/\\:*?\"<>|%".indexOf(c) >= 0
                    || (first && (c == '_' || c == '.'))
                    || (last && (c == ' ' || c == '.'));
            if (unsafe) {
                sb.append('%').append(HEX.charAt(c >> 4 & 0xf)).append(HEX.charAt(c & 0xf));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * @param unit the unit's name
     * @return the name to show users
     */
    public static String display(String unit) {
        return unit.isEmpty() ? ROOT : unit;
    }
}
