package io.backupkit.examples.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** A small data folder for the command tests, and helpers to look at folders. */
final class Fixtures {

    static final Pattern WRITTEN = Pattern.compile(
            "Snapshot (\\d{8}T\\d{6}Z) written: (\\d+) files, (\\d+) bytes, (\\d+) units \\((\\d+) reused\\) in "
                    + "\\d+\\.\\d\\ds");

    private Fixtures() {
    }

    /**
     * @param root the folder to fill: 5 files backed up, a link, an empty folder, and {@code Logs/} to exclude
     * @return {@code root}
     */
    static Path source(Path root) throws IOException {
        write(root, "Preferences.xml", "<Preferences MachineIdentifier=\"demo\"/>\n");
        write(root, "Plug-in Support/Databases/com.plexapp.plugins.library.db", "SQLite format 3\0" + "x".repeat(5000));
        write(root, "Metadata/Movies/a/bc.bundle/Contents/_combined/Info.xml", "<Movie title=\"A\"/>\n");
        write(root, "Metadata/Movies/Ünïcödé ファイル.bundle/Info.xml", "<Movie title=\"Ü\"/>\n");
        write(root, "Media/localhost/name with spaces.jpg", "\u00ff\u00d8 not really a jpeg");
        Files.createDirectories(root.resolve("Codecs"));
        Files.createSymbolicLink(root.resolve("Plug-in Support/Databases/current.db"),
                Path.of("com.plexapp.plugins.library.db"));
        write(root, "Logs/Plex Media Server.log", "log line\n");
        return root;
    }

    static void write(Path root, String rel, String content) throws IOException {
        Path p = root.resolve(rel);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content, StandardCharsets.UTF_8);
    }

    /**
     * @param run a successful backup
     * @return the snapshot id it printed
     */
    static String snapshotId(CliRun run) {
        assertThat(run.exit()).as(run.toString()).isZero();
        Matcher m = WRITTEN.matcher(run.out().strip());
        assertThat(m.matches()).as(run.toString()).isTrue();
        return m.group(1);
    }

    /**
     * @param root a folder
     * @return every entry under it: relative path to content (files), link target (links) or "/" (folders)
     */
    static Map<String, String> snapshotOf(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "-> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "/");
                } else {
                    out.put(rel, new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1));
                }
            }
        }
        return out;
    }
}
