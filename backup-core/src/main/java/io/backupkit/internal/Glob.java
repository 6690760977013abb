package io.backupkit.internal;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A glob on source-relative paths with {@code /} separators.
 *
 * <ul>
 *   <li>{@code *} matches within one path segment, {@code ?} one character of a segment;</li>
 *   <li>{@code **} matches across segments; {@code **}{@code /} at the start or middle also matches no segment, so
 *       {@code **}{@code /*.bif} matches {@code a.bif} and {@code x/y/a.bif};</li>
 *   <li>{@code [abc]}, {@code [a-z]}, {@code [!a]} character classes and {@code {a,b}} alternatives;</li>
 *   <li>a pattern ending in {@code /**} also matches the folder itself, so {@code Logs/**} excludes the {@code Logs}
 *       folder as a whole;</li>
 *   <li>matching is case-sensitive and against the whole path: {@code Cache} matches only the top-level
 *       {@code Cache}, not {@code a/Cache}.</li>
 * </ul>
 *
 * <pre>{@code
 * Glob.compile("**}{@code /*.bif").matches("Media/x/index.bif");   // true
 * }</pre>
 */
public final class Glob {

    private final String pattern;
    private final Pattern regex;

    private Glob(String pattern, Pattern regex) {
        this.pattern = pattern;
        this.regex = regex;
    }

    /**
     * @param pattern the glob
     * @return the compiled glob
     * @throws IllegalArgumentException naming the pattern, if it is blank, absolute, uses {@code \} or is malformed
     */
    public static Glob compile(String pattern) {
        return compile(pattern, "exclude");
    }

    /**
     * @param pattern the glob
     * @param what what the pattern is for, named in messages ({@code "exclude"}, {@code "database"})
     * @return the compiled glob
     * @throws IllegalArgumentException naming the pattern, if it is blank, absolute, uses {@code \} or is malformed
     */
    public static Glob compile(String pattern, String what) {
        if (pattern == null || pattern.isBlank()) {
            throw new IllegalArgumentException(what + " pattern must not be blank, was '" + pattern + "'");
        }
        if (pattern.startsWith("/")) {
            throw new IllegalArgumentException(what + " pattern '" + pattern
                    + "' must be relative to the source (no leading '/')");
        }
        if (pattern.indexOf('\\') >= 0) {
            throw new IllegalArgumentException(what + " pattern '" + pattern + "' must use '/' as separator, not '\\'");
        }
        String p = pattern.endsWith("/") && !pattern.endsWith("**/") ? pattern.substring(0, pattern.length() - 1)
                : pattern;
        StringBuilder re = new StringBuilder();
        int braces = 0;
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            switch (c) {
                case '*' -> {
                    if (i + 1 < p.length() && p.charAt(i + 1) == '*') {
                        boolean slashAfter = i + 2 < p.length() && p.charAt(i + 2) == '/';
                        boolean atSegmentStart = i == 0 || p.charAt(i - 1) == '/';
                        if (slashAfter && atSegmentStart) {
                            re.append("(?:.*/)?");
                            i += 2;
                        } else if (i + 2 == p.length() && i > 0 && p.charAt(i - 1) == '/') {
                            // "dir/**": the folder itself and everything below it
                            re.setLength(re.length() - 1);
                            re.append("(?:/.*)?");
                            i += 1;
                        } else {
                            re.append(".*");
                            i += 1;
                        }
                    } else {
                        re.append("[^/]*");
                    }
                }
                case '?' -> re.append("[^/]");
                case '[' -> {
                    int end = p.indexOf(']', i + 2);
                    if (end < 0) {
                        throw new IllegalArgumentException(what + " pattern '" + pattern + "' has an unclosed '['");
                    }
                    String cls = p.substring(i + 1, end);
                    re.append('[');
                    if (cls.startsWith("!")) {
                        re.append('^');
                        cls = cls.substring(1);
                    }
                    re.append(cls.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                    i = end;
                }
                case '{' -> {
                    braces++;
                    re.append("(?:");
                }
                case '}' -> {
                    if (braces == 0) {
                        throw new IllegalArgumentException(what + " pattern '" + pattern + "' has an unopened '}'");
                    }
                    braces--;
                    re.append(')');
                }
                case ',' -> re.append(braces > 0 ? "|" : ",");
                default -> {
                    if ("\\.^$+|()".indexOf(c) >= 0) {
                        re.append('\\');
                    }
                    re.append(c);
                }
            }
        }
        if (braces != 0) {
            throw new IllegalArgumentException(what + " pattern '" + pattern + "' has an unclosed '{'");
        }
        try {
            return new Glob(pattern, Pattern.compile(re.toString()));
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(what + " pattern '" + pattern + "' is malformed: " + e.getDescription(),
                    e);
        }
    }

    /**
     * @param relativePath a source-relative path with {@code /} separators
     * @return whether this glob matches it
     */
    public boolean matches(String relativePath) {
        return regex.matcher(relativePath).matches();
    }

    /**
     * @param globs globs to try
     * @param relativePath a source-relative path
     * @return whether any of them matches
     */
    public static boolean anyMatches(List<Glob> globs, String relativePath) {
        for (Glob g : globs) {
            if (g.matches(relativePath)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @return the pattern as written
     */
    public String pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return pattern;
    }
}
