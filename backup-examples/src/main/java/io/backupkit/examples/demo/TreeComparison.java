package io.backupkit.examples.demo;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * Compares two folder trees entry by entry: the same relative paths, the same type (folder, file, link), every
 * file's bytes and every link's target. Links are compared, never followed. Modification times and permissions are
 * not compared.
 *
 * <pre>{@code
 * List<String> diffs = TreeComparison.differences(source, restored, rel -> rel.startsWith("Logs/"), 20);
 * if (diffs.isEmpty()) System.out.println("identical");
 * }</pre>
 */
public final class TreeComparison {

    private TreeComparison() {
    }

    /**
     * @param expected the reference tree (e.g. the backed-up source)
     * @param actual the tree to check (e.g. the restored one)
     * @param skipExpected which source-relative paths ({@code /} separators) of {@code expected} to leave out, as a
     *        backup's excludes do; a skipped folder is not entered. Such paths must be absent from {@code actual}
     * @param limit the most differences to report
     * @return human-readable differences, in path order; empty when the trees are equal
     * @throws IOException if a tree cannot be read
     */
    public static List<String> differences(Path expected, Path actual, Predicate<String> skipExpected, int limit)
            throws IOException {
        Map<String, Entry> want = scan(expected, skipExpected);
        Map<String, Entry> got = scan(actual, rel -> false);
        List<String> out = new ArrayList<>();
        TreeSet<String> paths = new TreeSet<>(want.keySet());
        paths.addAll(got.keySet());
        for (String rel : paths) {
            if (out.size() >= limit) {
                out.add("... (stopped after " + limit + " differences)");
                break;
            }
            Entry w = want.get(rel);
            Entry g = got.get(rel);
            if (g == null) {
                out.add("missing: " + rel + " (" + w.type + ")");
            } else if (w == null) {
                out.add("unexpected: " + rel + " (" + g.type + ")"
                        + (skipExpected.test(rel) ? ", which the backup excludes" : ""));
            } else if (w.type != g.type) {
                out.add("type differs: " + rel + " (" + w.type + " vs " + g.type + ")");
            } else if (w.type == Type.LINK && !Objects.equals(w.linkTarget, g.linkTarget)) {
                out.add("link target differs: " + rel + " (" + w.linkTarget + " vs " + g.linkTarget + ")");
            } else if (w.type == Type.FILE && Files.mismatch(expected.resolve(rel), actual.resolve(rel)) != -1L) {
                out.add("content differs: " + rel);
            }
        }
        return out;
    }

    private static Map<String, Entry> scan(Path root, Predicate<String> skip) throws IOException {
        Map<String, Entry> entries = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                String rel = relative(root, dir);
                if (skip.test(rel)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(rel, new Entry(Type.FOLDER, null));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = relative(root, file);
                if (skip.test(rel)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    entries.put(rel, new Entry(Type.LINK, Files.readSymbolicLink(file).toString()));
                } else {
                    entries.put(rel, new Entry(attrs.isRegularFile() ? Type.FILE : Type.OTHER, null));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                throw exc;
            }
        });
        return entries;
    }

    private static String relative(Path root, Path p) {
        return root.relativize(p).toString().replace(root.getFileSystem().getSeparator(), "/");
    }

    private enum Type {
        FOLDER, FILE, LINK, OTHER;

        @Override
        public String toString() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private record Entry(Type type, String linkTarget) {
    }
}
