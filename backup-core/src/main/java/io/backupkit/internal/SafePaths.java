package io.backupkit.internal;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * Checks that names read from a snapshot stay inside the restore target: relative, {@code /}-separated, no
 * {@code .} or {@code ..} segments; and that links, resolved through every other link of the snapshot the way the
 * kernel would, never leave the target.
 *
 * <pre>{@code
 * String problem = SafePaths.checkName("../etc/passwd");   // "climbs out with '..'"
 * }</pre>
 */
public final class SafePaths {

    private static final int MAX_LINK_DEPTH = 40;

    private SafePaths() {
    }

    /**
     * @param name an entry name
     * @return why it is unsafe, or {@code null} when it is safe
     */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            return "empty name";
        }
        if (name.indexOf('\0') >= 0) {
            return "name contains a NUL character";
        }
        if (name.startsWith("/") || isDriveLetter(name)) {
            return "absolute path";
        }
        if (name.indexOf('\\') >= 0) {
            return "name contains '\\'";
        }
        // segment by segment without a regex or an array: this runs for every entry of every archive read
        int start = 0;
        int length = name.length();
        while (start <= length) {
            int end = name.indexOf('/', start);
            if (end < 0) {
                end = length;
            }
            int n = end - start;
            if (n == 0) {
                return "empty path segment";
            }
            if (n <= 2 && name.charAt(start) == '.' && (n == 1 || name.charAt(start + 1) == '.')) {
                return "'" + name.substring(start, end) + "' path segment (climbs out of the target)";
            }
            start = end + 1;
        }
        return null;
    }

    /** @return whether the name starts like a Windows drive path, {@code C:...} */
    private static boolean isDriveLetter(String name) {
        if (name.length() < 2 || name.charAt(1) != ':') {
            return false;
        }
        char c = name.charAt(0);
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /**
     * Resolves a link's target through the other links of the snapshot.
     *
     * @param linkPath the link's path
     * @param target its target
     * @param links every link of the snapshot, path to target
     * @return why it escapes, or {@code null} when it stays inside
     */
    public static String checkLink(String linkPath, String target, Map<String, String> links) {
        if (target == null || target.isEmpty()) {
            return "empty link target";
        }
        if (target.indexOf('\0') >= 0) {
            return "link target contains a NUL character";
        }
        if (target.startsWith("/") || target.startsWith("\\") || isDriveLetter(target)) {
            return "link target '" + target + "' is absolute";
        }
        Deque<String> at = new ArrayDeque<>();
        String[] parts = linkPath.split("/");
        for (int i = 0; i < parts.length - 1; i++) {
            at.addLast(parts[i]);
        }
        String escape = walk(at, target, links, 0);
        return escape == null ? null : "link target '" + target + "' " + escape;
    }

    private static String walk(Deque<String> at, String target, Map<String, String> links, int depth) {
        if (depth > MAX_LINK_DEPTH) {
            return "goes through too many links (a loop?)";
        }
        for (String part : target.replace('\\', '/').split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (at.isEmpty()) {
                    return "points outside the restore target";
                }
                at.removeLast();
                continue;
            }
            at.addLast(part);
            String next = links.get(String.join("/", at));
            if (next != null) {
                if (next.startsWith("/") || next.startsWith("\\") || isDriveLetter(next)) {
                    return "goes through an absolute link";
                }
                at.removeLast();
                String problem = walk(at, next, links, depth + 1);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }
}
