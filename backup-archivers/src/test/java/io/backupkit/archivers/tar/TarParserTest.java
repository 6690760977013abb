package io.backupkit.archivers.tar;

import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.EntryType;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The tar parser on the header forms it must read: real GNU tar output, ustar prefixes, GNU extensions, pax. */
@Timeout(60)
class TarParserTest {

    @TempDir
    Path tmp;

    private final TarArchiver reader = new TarZstArchiver();

    private Map<String, ArchivedEntry> read(Path archive, Map<String, byte[]> contents) throws IOException {
        Map<String, ArchivedEntry> out = new LinkedHashMap<>();
        reader.read(archive, Map.of(), (e, in) -> {
            out.put(e.path(), e);
            contents.put(e.path(), in.readAllBytes());
        });
        return out;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ustar", "gnu", "oldgnu", "posix", "v7"})
    void shouldReadWhatGnuTarWritesInEachFormat(String format) throws Exception {
        Path src = tmp.resolve("src");
        // 150 characters: ustar stores it split into prefix and name, GNU as a long name, pax as a path record
        String deep = "d".repeat(60) + "/" + "e".repeat(40) + "/" + "f".repeat(47) + ".x";
        Files.createDirectories(src.resolve(deep).getParent());
        Files.writeString(src.resolve(deep), "deep");
        Files.write(src.resolve("big.bin"), new byte[70_000]);
        Files.writeString(src.resolve("small.txt"), "small");
        Files.setLastModifiedTime(src.resolve("small.txt"), FileTime.from(Instant.parse("2003-04-05T06:07:08Z")));
        Files.createSymbolicLink(src.resolve("link"), Path.of("small.txt"));
        Path archive = tmp.resolve(format + ".tar");
        boolean v7 = format.equals("v7");
        List<String> command = new ArrayList<>(List.of("tar", "-cf", archive.toString(), "--format=" + format));
        // v7 has no folders' long names: only the top-level files
        command.addAll(v7 ? List.of("small.txt", "big.bin", "link") : List.of("."));
        run(src, command.toArray(String[]::new));
        Map<String, byte[]> contents = new LinkedHashMap<>();

        Map<String, ArchivedEntry> entries = read(archive, contents);

        String prefix = v7 ? "" : "./";
        assertThat(entries.get(prefix + "small.txt").mtime().toInstant())
                .isEqualTo(Instant.parse("2003-04-05T06:07:08Z"));
        assertThat(contents.get(prefix + "small.txt")).isEqualTo("small".getBytes(StandardCharsets.UTF_8));
        assertThat(contents.get(prefix + "big.bin")).hasSize(70_000);
        assertThat(entries.get(prefix + "link").type()).isEqualTo(EntryType.SYMLINK);
        assertThat(entries.get(prefix + "link").linkTarget()).isEqualTo("small.txt");
        if (!v7) {
            assertThat(new String(contents.get("./" + deep), StandardCharsets.UTF_8)).isEqualTo("deep");
            assertThat(entries.get("./" + deep.substring(0, deep.lastIndexOf('/')) + "/").type())
                    .isEqualTo(EntryType.DIRECTORY);
        }
    }

    @Test
    void shouldRefuseTheSparseEntriesOfGnuTarNamingThem() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("sparse"));
        try (var f = new java.io.RandomAccessFile(src.resolve("holes.img").toFile(), "rw")) {
            f.setLength(4L * 1024 * 1024);
            f.seek(1024 * 1024);
            f.write("data".getBytes(StandardCharsets.US_ASCII));
        }
        for (String format : new String[] {"gnu", "posix"}) {
            Path archive = tmp.resolve("sparse-" + format + ".tar");
            run(src, "tar", "-cSf", archive.toString(), "--format=" + format, "holes.img");

            assertThatThrownBy(() -> read(archive, new LinkedHashMap<>())).as(format)
                    .isInstanceOf(IOException.class).hasMessageContaining(archive.toString())
                    .hasMessageContaining("holes.img").hasMessageContaining("sparse");
        }
    }

    @Test
    void shouldReadGnuLongLinkTargetsAndBase256Sizes() throws IOException {
        String target = "t/".repeat(80) + "end";
        byte[] tar = TarFixtures.tar(TarArchiveOutputStream.LONGFILE_GNU, t -> {
            t.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_STAR);
            TarArchiveEntry link = new TarArchiveEntry("l", TarConstants.LF_SYMLINK);
            link.setLinkName(target);
            t.putArchiveEntry(link);
            t.closeArchiveEntry();
            TarFixtures.file(t, "f", "x");
        });
        Path archive = TarFixtures.file(tmp, "gnu.tar", tar);

        Map<String, ArchivedEntry> entries = read(archive, new LinkedHashMap<>());

        assertThat(entries.get("l").linkTarget()).isEqualTo(target);
        assertThat(entries.get("f").size()).isEqualTo(1);
    }

    @Test
    void shouldReadABase256SizeField() throws IOException {
        byte[] header = header("b256", '0', 0, 0);
        Arrays.fill(header, 124, 136, (byte) 0);
        header[124] = (byte) 0x80;
        header[135] = 3; // 3 bytes, in GNU base-256
        byte[] tar = withChecksum(header, 3, "abc");

        Map<String, byte[]> contents = new LinkedHashMap<>();
        read(TarFixtures.file(tmp, "b256.tar", tar), contents);

        assertThat(new String(contents.get("b256"), StandardCharsets.US_ASCII)).isEqualTo("abc");
    }

    @Test
    void shouldAcceptTheHistoricSignedChecksum() throws IOException {
        byte[] header = header("\u00e9t\u00e9", '0', 0, 0); // bytes above 0x7f: signed and unsigned sums differ
        long signed = 0;
        for (int i = 0; i < 512; i++) {
            signed += i >= 148 && i < 156 ? ' ' : header[i];
        }
        byte[] field = String.format("%06o\0 ", signed).getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(field, 0, header, 148, 8);
        byte[] tar = Arrays.copyOf(header, 512 * 4);

        assertThat(read(TarFixtures.file(tmp, "signed.tar", tar), new LinkedHashMap<>())).containsOnlyKeys("été");
    }

    @Test
    void shouldReadPaxTimesWithFractionsAndBeforeTheEpoch() throws IOException {
        byte[] tar = concat(
                entry(header("PaxHeader/old", 'x', 0, 0), pax("mtime", "-1.25")),
                entry(header("old", '0', 0, 0), ""),
                entry(header("PaxHeader/new", 'x', 0, 0), pax("mtime", "1700000000.123456789123")),
                entry(header("new", '0', 0, 0), ""),
                new byte[1024]);

        Map<String, ArchivedEntry> entries = read(TarFixtures.file(tmp, "times.tar", tar), new LinkedHashMap<>());

        assertThat(entries.get("old").mtime().toInstant()).isEqualTo(Instant.parse("1969-12-31T23:59:58.750Z"));
        assertThat(entries.get("new").mtime().toInstant()).isEqualTo(Instant.ofEpochSecond(1700000000, 123456789));
    }

    @Test
    void shouldIgnoreGlobalPaxHeadersAndReadTheEntriesAfterThem() throws IOException {
        byte[] tar = concat(
                entry(header("pax_global_header", 'g', 0, 0), pax("comment", "0123456789abcdef")),
                entry(header("a", '0', 0, 0), "x"),
                new byte[1024]);

        assertThat(read(TarFixtures.file(tmp, "global.tar", tar), new LinkedHashMap<>())).containsOnlyKeys("a");
    }

    /** @return one pax record, its length counting itself */
    private static String pax(String key, String value) {
        int body = key.length() + value.length() + 3; // space, '=', newline
        int length = body + Integer.toString(body).length();
        if (Integer.toString(length).length() != Integer.toString(body).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    @Test
    void shouldRefuseMalformedPaxRecordsNamingTheArchive() throws IOException {
        List<String> bad = List.of("99 path=x\n", "path=x\n", "5 path\n", "8 =x\nxx\n", "12 size=12a\n");
        for (String record : bad) {
            byte[] tar = TarFixtures.tar(t -> {
                byte[] bytes = record.getBytes(StandardCharsets.US_ASCII);
                TarArchiveEntry pax = new TarArchiveEntry("PaxHeader/a", TarConstants.LF_PAX_EXTENDED_HEADER_LC);
                pax.setSize(bytes.length);
                t.putArchiveEntry(pax);
                t.write(bytes);
                t.closeArchiveEntry();
                TarFixtures.file(t, "a", "x");
            });
            Path archive = TarFixtures.file(tmp, "pax-" + bad.indexOf(record) + ".tar", tar);

            assertThatThrownBy(() -> read(archive, new LinkedHashMap<>())).as(record)
                    .isInstanceOf(IOException.class).hasMessageContaining(archive.toString())
                    .hasMessageContaining("pax header");
        }
    }

    @Test
    void shouldFailNamingTheEntryWhenItsContentIsCutShort() throws IOException {
        byte[] tar = withChecksum(header("cut", '0', 0, 0), 5000, "y".repeat(600));
        Path archive = TarFixtures.file(tmp, "cut.tar", Arrays.copyOf(tar, 512 + 600));

        assertThatThrownBy(() -> read(archive, new LinkedHashMap<>())).isInstanceOf(IOException.class)
                .hasMessageContaining("in 'cut'").hasMessageContaining("truncated");
    }

    /** A ustar header with the size and checksum fields left to {@link #withChecksum}. */
    private static byte[] header(String name, char type, int mode, long mtime) {
        byte[] h = new byte[512];
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(n, 0, h, 0, n.length);
        put(h, 100, String.format("%07o", mode));
        put(h, 108, "0000000");
        put(h, 116, "0000000");
        put(h, 136, String.format("%011o", mtime));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        put(h, 263, "00");
        return h;
    }

    /** One entry: the header with its size and checksum, and the content padded to whole records. */
    private static byte[] entry(byte[] header, String content) {
        byte[] all = withChecksum(header, content.length(), content);
        return Arrays.copyOf(all, all.length - 1024);
    }

    /** Fills the size field (unless already set), the checksum, the content and the end marker. */
    private static byte[] withChecksum(byte[] header, long size, String content) {
        if (header[124] == 0) {
            put(header, 124, String.format("%011o", size));
        }
        long sum = 0;
        for (int i = 0; i < 512; i++) {
            sum += i >= 148 && i < 156 ? ' ' : header[i] & 0xff;
        }
        put(header, 148, String.format("%06o\0 ", sum));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        byte[] data = content.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512 + 1024]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int at, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }
}
