package io.backupkit.archivers.tar;

import com.github.luben.zstd.ZstdOutputStreamNoFinalizer;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.GZIPOutputStream;

/** Shared helpers of the tar tests: the three archivers, hand-made tar streams and recording visitors. */
final class TarFixtures {

    private TarFixtures() {
    }

    /** The archivers under test, by id. */
    static Archiver archiver(String id) {
        return switch (id) {
            case "tar.gz" -> new TarGzArchiver();
            case "tar.xz" -> new TarXzArchiver();
            case "tar.zst" -> new TarZstArchiver();
            default -> throw new IllegalArgumentException(id);
        };
    }

    /** The content every test file gets: its path, repeated to the entry's size. */
    static byte[] content(UnitEntry e) {
        byte[] pattern = ("content of " + e.path() + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] out = new byte[(int) e.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = pattern[i % pattern.length];
        }
        return out;
    }

    /** Text of random words, which every level compresses differently. */
    static byte[] words(UnitEntry e) {
        String[] words = {"Movie", "Show", "Season", "Episode", "Library", "agent", "guid", "rating", "summary"};
        java.util.Random random = new java.util.Random(e.path().hashCode());
        StringBuilder sb = new StringBuilder();
        while (sb.length() < e.size()) {
            sb.append(words[random.nextInt(words.length)]).append(' ').append(random.nextInt(100_000)).append('\n');
        }
        return java.util.Arrays.copyOf(sb.toString().getBytes(StandardCharsets.UTF_8), (int) e.size());
    }

    /** Opened streams, to check each was read to its end and closed. */
    static final class TrackedStream extends ByteArrayInputStream {
        final String path;
        boolean closed;
        boolean atEnd;

        TrackedStream(String path, byte[] data) {
            super(data);
            this.path = path;
        }

        @Override
        public synchronized int read(byte[] b, int off, int len) {
            int n = super.read(b, off, len);
            if (n < 0) {
                atEnd = true;
            }
            return n;
        }

        @Override
        public synchronized int read() {
            int n = super.read();
            if (n < 0) {
                atEnd = true;
            }
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /**
     * Writes entries through an archiver with {@link #content} as file content; files named in {@code vanished}
     * throw {@link NoSuchFileException} on open.
     *
     * @return the streams opened
     */
    static List<TrackedStream> write(Archiver archiver, Path archive, List<UnitEntry> entries,
                                     Map<String, String> options, Set<String> vanished) throws IOException {
        return write(archiver, archive, entries, options, vanished, TarFixtures::content);
    }

    static List<TrackedStream> write(Archiver archiver, Path archive, List<UnitEntry> entries,
                                     Map<String, String> options, Set<String> vanished,
                                     java.util.function.Function<UnitEntry, byte[]> content) throws IOException {
        // files are opened on the tar readers' threads too
        List<TrackedStream> opened = java.util.Collections.synchronizedList(new ArrayList<>());
        archiver.write(new ArchiveWriteRequest("", archive.getParent(), archive, entries, options, (e, exact) -> {
            if (!exact) {
                throw new AssertionError("tar must open files with their exact size");
            }
            if (vanished.contains(e.path())) {
                throw new NoSuchFileException(e.path());
            }
            TrackedStream s = new TrackedStream(e.path(), content.apply(e));
            opened.add(s);
            return s;
        }));
        return opened;
    }

    /** What a read reported: each entry, and each file's content as far as the visitor read it. */
    static Map<String, ArchivedEntry> readAll(Archiver archiver, Path archive, Map<String, String> options,
                                              Map<String, byte[]> contents) throws IOException {
        Map<String, ArchivedEntry> entries = new LinkedHashMap<>();
        archiver.read(archive, options, (entry, in) -> {
            entries.put(entry.path(), entry);
            byte[] data = in.readAllBytes();
            if (contents != null) {
                contents.put(entry.path(), data);
            }
        });
        return entries;
    }

    /** Builds a tar stream by hand, for archives BackupKit would never write. */
    @FunctionalInterface
    interface TarContent {
        void write(TarArchiveOutputStream tar) throws IOException;
    }

    /** @return an uncompressed tar made with Commons Compress (pax long names, names kept as given) */
    static byte[] tar(TarContent content) {
        return tar(TarArchiveOutputStream.LONGFILE_POSIX, content);
    }

    static byte[] tar(int longFileMode, TarContent content) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(bytes, "UTF-8")) {
            tar.setLongFileMode(longFileMode);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            content.write(tar);
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** Whole seconds: no pax header needed for the time. */
    static final java.nio.file.attribute.FileTime MTIME = java.nio.file.attribute.FileTime.from(
            java.time.Instant.parse("2024-05-06T07:08:09Z"));

    /** Adds a file entry whose name is kept exactly (no leading-slash stripping). */
    static void file(TarArchiveOutputStream tar, String name, String content) throws IOException {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry e = new TarArchiveEntry(name, true);
        e.setLastModifiedTime(MTIME);
        e.setSize(data.length);
        tar.putArchiveEntry(e);
        tar.write(data);
        tar.closeArchiveEntry();
    }

    /** Adds an entry without content of the given type flag. */
    static void special(TarArchiveOutputStream tar, String name, byte type, String link) throws IOException {
        TarArchiveEntry e = new TarArchiveEntry(name, type, true);
        e.setLastModifiedTime(MTIME);
        if (link != null) {
            e.setLinkName(link);
        }
        tar.putArchiveEntry(e);
        tar.closeArchiveEntry();
    }

    /** The compressions the reader recognises. */
    enum Compression {
        NONE, GZIP, XZ, ZSTD;

        byte[] compress(byte[] data) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (OutputStream out = open(bytes)) {
                out.write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return bytes.toByteArray();
        }

        private OutputStream open(OutputStream out) throws IOException {
            return switch (this) {
                case NONE -> out;
                case GZIP -> new GZIPOutputStream(out);
                case XZ -> new XZOutputStream(out, new LZMA2Options(1));
                case ZSTD -> new ZstdOutputStreamNoFinalizer(out, 1);
            };
        }
    }

    static Path file(Path dir, String name, byte[] bytes) throws IOException {
        return Files.write(dir.resolve(name), bytes);
    }

    static InputStream stream(byte[] bytes) {
        return new ByteArrayInputStream(bytes);
    }
}
