package io.backupkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.commons.compress.archivers.zip.UnixStat;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipArchiveOutputStream;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Builds hostile snapshots by hand: a zip and an index with whatever names the test wants, and a manifest whose
 * hashes match, so that only the engine's own checks stand between the entries and the disk.
 */
final class SnapshotForger {

    record Entry(String name, String type, String content, int unixMode, boolean inIndex, boolean inZip) {
        static Entry file(String name, String content) {
            return new Entry(name, "FILE", content, UnixStat.FILE_FLAG | 0644, true, true);
        }

        static Entry link(String name, String target) {
            return new Entry(name, "SYMLINK", target, UnixStat.LINK_FLAG | 0777, true, true);
        }

        Entry onlyInZip() {
            return new Entry(name, type, content, unixMode, false, true);
        }

        Entry onlyInIndex() {
            return new Entry(name, type, content, unixMode, true, false);
        }

        Entry withMode(int mode) {
            return new Entry(name, type, content, mode, inIndex, inZip);
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private SnapshotForger() {
    }

    /** Writes snapshot {@code id} with one root unit holding the entries. */
    static void forge(Path dest, String id, List<Entry> entries) throws Exception {
        Path dir = Files.createDirectories(dest.resolve(id));
        Files.createDirectories(dir.resolve("units"));
        Files.createDirectories(dir.resolve("index"));
        Path zip = dir.resolve("units/_root.zip");
        try (ZipArchiveOutputStream out = new ZipArchiveOutputStream(zip)) {
            for (Entry e : entries) {
                if (!e.inZip()) {
                    continue;
                }
                ZipArchiveEntry ze = new ZipArchiveEntry(e.name());
                ze.setUnixMode(e.unixMode());
                out.putArchiveEntry(ze);
                out.write(e.content().getBytes(StandardCharsets.UTF_8));
                out.closeArchiveEntry();
            }
        }
        List<String> lines = new ArrayList<>();
        long files = 0;
        for (Entry e : entries) {
            if (!e.inIndex()) {
                continue;
            }
            ObjectNode n = JSON.createObjectNode();
            n.put("path", e.name());
            n.put("type", e.type().equals("OTHER") ? "FILE" : e.type());
            n.put("size", e.type().equals("SYMLINK") ? 0 : e.content().length());
            n.put("mtime", "2026-01-01T00:00:00Z");
            n.put("mode", 0644);
            if (e.type().equals("SYMLINK")) {
                n.put("target", e.content());
            } else {
                n.put("sha256", sha(e.content().getBytes(StandardCharsets.UTF_8)));
                files++;
            }
            lines.add(JSON.writeValueAsString(n));
        }
        Path index = dir.resolve("index/_root.jsonl");
        Files.write(index, lines);
        ObjectNode m = JSON.createObjectNode();
        m.put("formatVersion", 1);
        m.put("engineVersion", "test");
        m.put("id", id);
        m.put("created", "2026-01-01T00:00:00Z");
        m.putObject("archiver").put("id", "zip").put("extension", "zip").putObject("options");
        ObjectNode plan = m.putObject("plan");
        plan.putArray("excludes");
        plan.putArray("special");
        ObjectNode unit = m.putArray("units").addObject();
        unit.put("name", "");
        unit.put("kind", "archive");
        unit.put("archive", "units/_root.zip");
        unit.put("archiveSize", Files.size(zip));
        unit.put("archiveSha256", sha(Files.readAllBytes(zip)));
        unit.put("index", "index/_root.jsonl");
        unit.put("indexSha256", sha(Files.readAllBytes(index)));
        unit.put("files", files);
        m.putObject("totals").put("files", files).put("bytes", 0);
        Files.writeString(dir.resolve("manifest.json"), JSON.writeValueAsString(m));
    }

    static String sha(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] b = Files.readAllBytes(file);
        b[(int) offset] ^= 0x5a;
        Files.write(file, b);
    }
}
