package io.backupkit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Random;
import java.util.TreeMap;

/** Builds sample trees and describes trees for byte-for-byte comparison. */
public final class TestTrees {

    private TestTrees() {
    }

    /** A small Plex-like tree: root files, nested folders, a long path, unicode, links, an empty folder, modes. */
    public static Path plexLike(Path root) throws IOException {
        Files.createDirectories(root);
        Random random = new Random(42);
        write(root.resolve("Preferences.xml"), "<Preferences MachineIdentifier=\"abc\"/>");
        write(root.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db"), randomText(random, 200_000));
        write(root.resolve("Plug-in Support/Preferences/com.plexapp.system.xml"), "<x/>");
        Path longDir = root.resolve("Metadata/Movies/a/0123456789abcdef0123456789abcdef.bundle/Contents/"
                + "_combined/posters/com.plexapp.agents.themoviedb_0123456789abcdef0123456789abcdef");
        byte[] jpg = new byte[50_000];
        random.nextBytes(jpg);
        longDir = longDir.resolve("a-folder-name-that-pushes-the-relative-path-well-past-two-hundred-and-sixty-"
                + "characters-as-Plex-bundles-do");
        Files.createDirectories(longDir);
        Files.write(longDir.resolve("poster-with-a-long-name-0123456789abcdef0123456789abcdef.jpg"), jpg);
        write(root.resolve("Metadata/Movies/Ünïcödé ファイル/Info.xml"), "<Info/>");
        write(root.resolve("Metadata/Movies/with space/ and more.json"), "{}");
        Files.createDirectories(root.resolve("Metadata/Empty Folder"));
        write(root.resolve("Media/localhost/0/abc.bundle/Contents/Indexes/index-sd.bif"), randomText(random, 10_000));
        write(root.resolve("Logs/Plex Media Server.log"), "log line\n");
        write(root.resolve("Cache/cache.bin"), "cache");
        Files.write(root.resolve("empty.txt"), new byte[0]);
        Files.createSymbolicLink(root.resolve("Metadata/link-to-info"), Path.of("Movies/with space/ and more.json"));
        Files.createSymbolicLink(root.resolve("dangling"), Path.of("does-not-exist"));
        Path script = root.resolve("Plug-in Support/run.sh");
        write(script, "#!/bin/sh\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-x---"));
        Files.setLastModifiedTime(script, FileTime.from(Instant.parse("2020-01-02T03:04:05.123456789Z")));
        return root;
    }

    public static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    public static String randomText(Random random, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append((char) ('a' + random.nextInt(26)));
        }
        return sb.toString();
    }

    /**
     * Describes a tree: per path its type, mode, mtime (to the microsecond), size and content hash or link target.
     * Paths matching {@code skip} prefixes are left out.
     */
    public static TreeMap<String, String> describe(Path root, String... skip) throws IOException {
        TreeMap<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, dir);
                if (skipped(rel, skip)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (!rel.isEmpty()) {
                    out.put(rel, "dir " + mode(dir) + " " + micros(attrs.lastModifiedTime()));
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String rel = rel(root, file);
                if (skipped(rel, skip)) {
                    return FileVisitResult.CONTINUE;
                }
                if (attrs.isSymbolicLink()) {
                    out.put(rel, "link " + Files.readSymbolicLink(file));
                } else {
                    out.put(rel, "file " + mode(file) + " " + micros(attrs.lastModifiedTime()) + " " + attrs.size()
                            + " " + sha256(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    private static boolean skipped(String rel, String... skip) {
        for (String s : skip) {
            if (rel.equals(s) || rel.startsWith(s + "/")) {
                return true;
            }
        }
        return false;
    }

    private static String rel(Path root, Path p) {
        return root.relativize(p).toString().replace('\\', '/');
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    private static long micros(FileTime t) {
        return t.to(java.util.concurrent.TimeUnit.MICROSECONDS);
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
