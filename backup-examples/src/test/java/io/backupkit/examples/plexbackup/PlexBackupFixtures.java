package io.backupkit.examples.plexbackup;

import io.backupkit.RawZipEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZOutputFile;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Builds backups the way PlexBackup.ps1 2.1.1 lays them out (see the module README, "Coming from PlexBackup.ps1"):
 * {@code <root>/<yyyyMMddHHmmss>/1/Plex.zip} with the data folder's loose files, {@code 2/<Folder>.zip} with each
 * top-level folder's content (names with {@code \}, entries only for empty folders, flagged as made on Windows, as
 * Compress-Archive writes them), {@code 3/<md5 of the key>.reg} (UTF-16LE, as {@code reg export} writes),
 * {@code 4/} the special folder under its data-folder path (left out of its folder's archive), and
 * {@code Version.txt}; or with {@code 7z}, or a robocopy mirror in {@code 1/}.
 *
 * <pre>{@code
 * Path data = PlexBackupFixtures.dataFolder(tmp.resolve("Plex Media Server"));
 * Path b = PlexBackupFixtures.backup(data, tmp.resolve("PlexBackup"), "20240131235959", Kind.ZIP, "1.40.1.8227");
 * }</pre>
 */
public final class PlexBackupFixtures {

    /** PlexBackup.ps1's default special folder ({@code $SpecialDirs}). */
    public static final String SPECIAL = "Plug-in Support/Data/com.plexapp.system/DataItems/Deactivated";

    /** What wrote the archives. */
    public enum Kind {
        /** Compress-Archive zips, built with Commons Compress. */
        ZIP,
        /** Zips from the real {@code zip} tool (Info-ZIP), with {@code /} names. */
        ZIP_TOOL,
        /** 7z archives from Commons Compress, with {@code \} names as a Windows tool may store them. */
        SEVEN_ZIP,
        /** 7z archives from the real {@code 7z} tool. */
        SEVEN_ZIP_TOOL,
        /** {@code -Robocopy}: a mirror of the data folder in {@code 1/}. */
        ROBOCOPY
    }

    private static final long MTIME = 1_700_000_000_000L;

    private PlexBackupFixtures() {
    }

    /**
     * @param dir where to make it
     * @return a small Plex data folder: loose files, nested metadata, a database, the special long-path folder,
     *         an empty folder, and the folders PlexBackup leaves out (Logs, Crash Reports)
     * @throws IOException if it cannot be written
     */
    public static Path dataFolder(Path dir) throws IOException {
        write(dir, "Preferences.xml", "<Preferences MachineIdentifier=\"1234\" PlexOnlineToken=\"t\"/>");
        write(dir, "Setup Plex.html", "<html>setup</html>");
        write(dir, "Metadata/Movies/a/bc.bundle/Contents/_combined/Info.xml", "<Movie title=\"A\"/>\n");
        write(dir, "Metadata/TV Shows/d/ef.bundle/Contents/_combined/Info.xml", "<Show title=\"D\"/>\n");
        write(dir, "Plug-in Support/Databases/com.plexapp.plugins.library.db", "SQLite format 3\0" + "x".repeat(5000));
        write(dir, "Plug-in Support/Preferences/com.plexapp.system.xml", "<PluginPreferences/>");
        write(dir, SPECIAL + "/" + "d".repeat(100) + "/" + "e".repeat(100) + "/f.xml", "deactivated, long path");
        write(dir, "Media/localhost/0/1234abcd.bundle/Contents/Thumbnails/thumb1.jpg", "\u00ff\u00d8\u00ff jpeg");
        Files.createDirectories(dir.resolve("Metadata/Albums"));
        write(dir, "Logs/Plex Media Server.log", "a log line");
        write(dir, "Crash Reports/1.dmp", "crash");
        return dir;
    }

    /**
     * @param rel a data-folder-relative path
     * @return whether PlexBackup leaves it out (its default {@code $ExcludeDirs})
     */
    public static boolean excluded(String rel) {
        String top = rel.split("/", 2)[0];
        return PlexBackupLayout.EXCLUDED_FOLDERS.contains(top);
    }

    /**
     * Writes one backup folder as PlexBackup.ps1 does.
     *
     * @param data the data folder backed up
     * @param root the backup root
     * @param timestamp the backup folder's name
     * @param kind what writes the archives
     * @param version the Plex version for {@code Version.txt}, or {@code null} for none
     * @return the backup folder
     * @throws IOException if it cannot be written
     */
    public static Path backup(Path data, Path root, String timestamp, Kind kind, String version) throws IOException {
        Path b = root.resolve(timestamp);
        for (String sub : List.of("1", "2", "3", "4")) {
            Files.createDirectories(b.resolve(sub));
        }
        if (kind == Kind.ROBOCOPY) {
            copy(data, b.resolve("1"), rel -> excluded(rel));
        } else {
            String ext = kind == Kind.SEVEN_ZIP || kind == Kind.SEVEN_ZIP_TOOL ? ".7z" : ".zip";
            List<Path> rootFiles = new ArrayList<>();
            List<Path> folders = new ArrayList<>();
            try (Stream<Path> s = Files.list(data)) {
                s.sorted().forEach(p -> (Files.isDirectory(p) ? folders : rootFiles).add(p));
            }
            archive(kind, b.resolve("1/Plex" + ext), data, rootFiles, rel -> false);
            for (Path folder : folders) {
                String name = folder.getFileName().toString();
                if (excluded(name)) {
                    continue;
                }
                List<Path> content;
                try (Stream<Path> s = Files.list(folder)) {
                    content = s.sorted().toList();
                }
                archive(kind, b.resolve("2/" + name + ext), folder, content,
                        rel -> (name + "/" + rel).startsWith(SPECIAL));
            }
            copy(data.resolve(SPECIAL), b.resolve("4").resolve(SPECIAL), rel -> false);
        }
        writeRegistry(b.resolve("3"), "HKCU\\Software\\Plex, Inc.\\Plex Media Server");
        if (version != null) {
            // Set-Content in Windows PowerShell: the system's code page, CRLF
            Files.write(b.resolve("Version.txt"), (version + "\r\n").getBytes(Charset.forName("windows-1252")));
        }
        Files.writeString(b.resolve("Backup.log"), "PlexBackup v2.1.1\r\n");
        return b;
    }

    /** Writes the archive of {@code entries} (paths inside {@code base}), names relative to {@code base}. */
    private static void archive(Kind kind, Path archive, Path base, List<Path> entries, java.util.function.Predicate<String>
            skip) throws IOException {
        List<Path> all = new ArrayList<>();
        for (Path e : entries) {
            try (Stream<Path> s = Files.walk(e)) {
                s.sorted().forEach(all::add);
            }
        }
        all.removeIf(p -> skip.test(rel(base, p)));
        if (all.isEmpty()) {
            return; // PlexBackup writes no archive for an empty folder
        }
        switch (kind) {
            case ZIP -> {
                try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(archive)) {
                    for (Path p : all) {
                        boolean dir = Files.isDirectory(p);
                        if (dir && !isEmpty(p)) {
                            continue; // Compress-Archive gives only empty folders an entry
                        }
                        RawZipEntry e = new RawZipEntry(rel(base, p).replace('/', '\\') + (dir ? "\\" : ""), true);
                        e.setTime(MTIME);
                        out.putArchiveEntry(e);
                        if (!dir) {
                            out.write(Files.readAllBytes(p));
                        }
                        out.closeArchiveEntry();
                    }
                }
            }
            case SEVEN_ZIP -> {
                try (SevenZOutputFile out = new SevenZOutputFile(Files.newByteChannel(archive,
                        StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))) {
                    out.setContentCompression(SevenZMethod.LZMA2);
                    for (Path p : all) {
                        boolean dir = Files.isDirectory(p);
                        SevenZArchiveEntry e = new SevenZArchiveEntry();
                        e.setName(rel(base, p).replace('/', '\\'));
                        e.setDirectory(dir);
                        e.setLastModifiedTime(FileTime.fromMillis(MTIME));
                        out.putArchiveEntry(e);
                        if (!dir) {
                            out.write(Files.readAllBytes(p));
                        }
                        out.closeArchiveEntry();
                    }
                }
            }
            case ZIP_TOOL, SEVEN_ZIP_TOOL -> {
                List<String> cmd = new ArrayList<>(kind == Kind.ZIP_TOOL ? List.of("zip", "-q", "-y")
                        : List.of("7z", "a", "-bd", "-y"));
                cmd.add(archive.toString());
                for (Path p : all) {
                    if (!Files.isDirectory(p) || isEmpty(p)) {
                        cmd.add(rel(base, p));
                    }
                }
                run(base, cmd);
            }
            default -> throw new IllegalArgumentException(kind.toString());
        }
    }

    /**
     * @param tool {@code zip} or {@code 7z}
     * @return whether it can be run here
     */
    public static boolean installed(String tool) {
        try {
            Process p = new ProcessBuilder("sh", "-c", "command -v " + tool).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void run(Path dir, List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(Duration.ofMinutes(2).toMillis(), TimeUnit.MILLISECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /** {@code reg export KEY FILE}: UTF-16LE with a byte-order mark, named by the key's MD5 as PlexBackup does. */
    static Path writeRegistry(Path dir, String key) throws IOException {
        String full = key.replace("HKCU\\", "HKEY_CURRENT_USER\\");
        String text = "\uFEFFWindows Registry Editor Version 5.00\r\n\r\n[" + full + "]\r\n\"FriendlyName\"=\"nas\"\r\n";
        Path file = dir.resolve(md5(key) + ".reg");
        Files.write(file, text.getBytes(StandardCharsets.UTF_16LE));
        return file;
    }

    private static String md5(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Copies a tree (robocopy /MIR into an empty folder), leaving out what {@code skip} matches. */
    static void copy(Path from, Path to, java.util.function.Predicate<String> skip) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s.sorted()::iterator) {
                String rel = rel(from, p);
                if (!rel.isEmpty() && skip.test(rel)) {
                    continue;
                }
                Path dest = rel.isEmpty() ? to : to.resolve(rel);
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dest);
                } else {
                    Files.createDirectories(dest.getParent());
                    Files.copy(p, dest);
                }
            }
        }
    }

    private static boolean isEmpty(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.findAny().isEmpty();
        }
    }

    private static String rel(Path base, Path p) {
        return base.relativize(p).toString().replace('\\', '/');
    }

    /**
     * @param root a folder
     * @param rel a path below it, {@code /} separators
     * @param content the file's text
     * @throws IOException if it cannot be written
     */
    public static void write(Path root, String rel, String content) throws IOException {
        Path file = root.resolve(rel);
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.ISO_8859_1);
    }
}
