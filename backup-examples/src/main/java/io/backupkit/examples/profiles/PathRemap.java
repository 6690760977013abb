package io.backupkit.examples.profiles;

import io.backupkit.InvalidPlanException;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pairs of media folder prefixes, {@code OLD=NEW}: a path at or below {@code OLD} is rewritten to the same place below
 * {@code NEW}. Immutable. Used by {@link AppProfile#remap(PathRemap)} to rewrite the library folders of a restored
 * media server, for a machine where the media lives elsewhere.
 *
 * <pre>{@code
 * PathRemap remap = PathRemap.parse("D:\\Media=/mnt/media", "/srv/tv=/mnt/media/TV");
 * remap.apply("D:\\Media\\Movies\\Alien (1979)\\Alien.mkv");   // Optional[/mnt/media/Movies/Alien (1979)/Alien.mkv]
 * remap.apply("/srv/tv2/x.mkv");                               // Optional.empty: not on a segment boundary
 * plan.restore(RestoreRequest.latest().step(AppProfiles.jellyfin().remap(remap)));
 * }</pre>
 *
 * <p>Rules:
 * <ul>
 *   <li>{@code OLD} matches a path that equals it or continues with a separator after it: {@code /mnt/media}
 *       matches {@code /mnt/media} and {@code /mnt/media/Movies/x.mkv}, never {@code /mnt/media2/x.mkv}.</li>
 *   <li>Of several pairs the longest matching {@code OLD} wins, whatever the order they were given in.</li>
 *   <li>A Windows {@code OLD} (a drive, {@code D:\Media}, or a share, {@code \\nas\media}) matches ignoring letter
 *       case and treats {@code \} and {@code /} alike; a POSIX {@code OLD} ({@code /srv/media}) matches exactly.</li>
 *   <li>The rest of the path takes the separators of {@code NEW}: {@code D:\Media\Movies\x.mkv} with
 *       {@code D:\Media=/mnt/media} becomes {@code /mnt/media/Movies/x.mkv}, and the reverse.</li>
 *   <li>A trailing separator on {@code OLD} or {@code NEW} is ignored ({@code /mnt/media/} is {@code /mnt/media}).</li>
 *   <li>Both must be absolute, so placeholders such as Jellyfin's {@code %MetadataPath%/...} never match.</li>
 * </ul>
 */
public final class PathRemap {

    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:([\\\\/].*)?$");

    private final List<Pair> pairs;   // longest OLD first

    private PathRemap(List<Pair> pairs) {
        this.pairs = List.copyOf(pairs);
    }

    /**
     * @param pairs {@code OLD=NEW} each, split at the first {@code =}
     * @return the remap
     * @throws InvalidPlanException listing every bad pair: no {@code =}, an empty or relative {@code OLD} or
     *         {@code NEW}, the same {@code OLD} twice with different {@code NEW}s, no pair at all
     */
    public static PathRemap parse(String... pairs) {
        Objects.requireNonNull(pairs, "pairs");
        return parse(List.of(pairs));
    }

    /**
     * @param pairs {@code OLD=NEW} each, split at the first {@code =}
     * @return the remap
     * @throws InvalidPlanException as {@link #parse(String...)}
     */
    public static PathRemap parse(List<String> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        List<String> problems = new ArrayList<>();
        List<String[]> split = new ArrayList<>();
        for (String p : pairs) {
            int eq = p == null ? -1 : p.indexOf('=');
            if (eq < 0) {
                problems.add("remap '" + p + "' must be OLD=NEW");
            } else {
                split.add(new String[] {p.substring(0, eq), p.substring(eq + 1), p});
            }
        }
        return build(split, problems);
    }

    /**
     * @param pairs {@code OLD} to {@code NEW}, e.g. {@code Map.of("D:\\Media", "/mnt/media")}
     * @return the remap
     * @throws InvalidPlanException as {@link #parse(String...)}
     */
    public static PathRemap of(Map<String, String> pairs) {
        Objects.requireNonNull(pairs, "pairs");
        List<String[]> split = new ArrayList<>();
        pairs.forEach((k, v) -> split.add(new String[] {k, v, k + "=" + v}));
        return build(split, new ArrayList<>());
    }

    private static PathRemap build(List<String[]> split, List<String> problems) {
        Map<String, Pair> byOld = new LinkedHashMap<>();
        for (String[] s : split) {
            String given = s[2];
            String old = s[0] == null ? "" : s[0].strip();
            String neu = s[1] == null ? "" : s[1].strip();
            if (old.isEmpty()) {
                problems.add("remap '" + given + "' has an empty OLD");
                continue;
            }
            if (neu.isEmpty()) {
                problems.add("remap '" + given + "' has an empty NEW");
                continue;
            }
            if (!absolute(old) || !absolute(neu)) {
                problems.add("remap '" + given + "' must map absolute paths (/..., D:\\..., \\\\server\\share)");
                continue;
            }
            boolean windowsOld = windows(old);
            char newSep = !windows(neu) || neu.indexOf('/') >= 0 && neu.indexOf('\\') < 0 ? '/' : '\\';
            Pair pair = new Pair(given, normalise(old), windowsOld, normalise(neu), newSep);
            String key = windowsOld ? pair.old.replace('/', '\\').toLowerCase(Locale.ROOT) : pair.old;
            Pair earlier = byOld.get(key);
            if (earlier == null) {
                byOld.put(key, pair);
            } else if (!earlier.neu.equals(pair.neu)) {
                problems.add("remap '" + given + "' maps the same OLD as '" + earlier.given + "' to another NEW");
            }
        }
        if (problems.isEmpty() && byOld.isEmpty()) {
            problems.add("remap needs at least one OLD=NEW pair");
        }
        if (!problems.isEmpty()) {
            throw new InvalidPlanException(problems);
        }
        List<Pair> sorted = new ArrayList<>(byOld.values());
        sorted.sort(Comparator.comparingInt((Pair p) -> p.old.length()).reversed());
        return new PathRemap(sorted);
    }

    /**
     * @param path a path as the application stored it
     * @return the path rewritten by the longest matching pair, or empty when none matches
     */
    public Optional<String> apply(String path) {
        return match(path).map(m -> m.result);
    }

    /**
     * @param path a path as the application stored it
     * @return the pair (as given) that rewrites it and the result, or empty when none matches
     */
    Optional<Match> match(String path) {
        if (path == null || path.isEmpty()) {
            return Optional.empty();
        }
        for (Pair p : pairs) {
            String rest = p.rest(path);
            if (rest != null) {
                return Optional.of(new Match(p.given, p.join(rest)));
            }
        }
        return Optional.empty();
    }

    /** @return the pairs as given ({@code OLD=NEW}), longest {@code OLD} first */
    public List<String> pairs() {
        return pairs.stream().map(p -> p.given).toList();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PathRemap r && pairs.equals(r.pairs);
    }

    @Override
    public int hashCode() {
        return pairs.hashCode();
    }

    @Override
    public String toString() {
        return String.join(", ", pairs.stream().map(p -> p.old + " -> " + p.neu).toList());
    }

    /** @return whether the path is a Windows one: a drive ({@code D:\\...}) or a share ({@code \\\\nas\\...}) */
    private static boolean windows(String path) {
        return DRIVE.matcher(path).matches() || path.startsWith("\\\\");
    }

    private static boolean absolute(String path) {
        return windows(path) || path.startsWith("/");
    }

    /** Drops trailing separators, keeping a root ({@code /}, {@code D:}) whole. */
    private static String normalise(String path) {
        int end = path.length();
        while (end > 1 && (path.charAt(end - 1) == '/' || path.charAt(end - 1) == '\\')) {
            end--;
        }
        String s = path.substring(0, end);
        return s.equals("/") ? "" : s;    // the POSIX root: every absolute path continues it
    }

    /** What a path became, and the pair that did it. */
    record Match(String pair, String result) {
    }

    private record Pair(String given, String old, boolean windowsOld, String neu, char newSep) {

        /** @return the rest of {@code path} after {@code old} (empty or starting with a separator), or null */
        String rest(String path) {
            if (path.length() < old.length()) {
                return null;
            }
            String head = path.substring(0, old.length());
            boolean same = windowsOld
                    ? head.replace('/', '\\').equalsIgnoreCase(old.replace('/', '\\'))
                    : head.equals(old);
            if (!same) {
                return null;
            }
            String rest = path.substring(old.length());
            if (rest.isEmpty()) {
                return old.isEmpty() ? null : rest;
            }
            char c = rest.charAt(0);
            boolean boundary = c == '/' || windowsOld && c == '\\';
            return boundary ? rest : null;
        }

        String join(String rest) {
            String r = rest;
            if (newSep == '\\') {
                r = r.replace('/', '\\');
            } else if (windowsOld) {      // a backslash in a POSIX name is a character, not a separator
                r = r.replace('\\', '/');
            }
            if (neu.isEmpty()) {          // NEW is the POSIX root
                return r.isEmpty() ? "/" : r;
            }
            if (r.isEmpty() && neu.length() == 2 && neu.charAt(1) == ':') {
                return neu + '\\';        // a drive root: D:\, not D:
            }
            return neu + r;
        }
    }
}
