package io.backupkit.archivers.tar;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** BackupKit's own tar headers: ustar and pax boundaries, read back by BackupKit's reader and by the real GNU tar. */
@Timeout(120)
class TarStreamWriterTest {

    private static final FileTime NANOS = FileTime.from(Instant.parse("2025-06-01T12:34:56.123456789Z"));
    private static final FileTime WHOLE = FileTime.from(Instant.parse("2024-05-06T07:08:09Z"));

    // ASCII names around ustar's limits: name 100 bytes, prefix 155 bytes, split at a '/'
    private static final String N99 = path('a', 49, 49);
    private static final String N100 = path('a', 50, 49);
    private static final String N101_SPLIT = path('b', 50, 50);
    private static final String N101_ONE_PART = path('c', 101);
    private static final String N155_SPLIT = path('d', 54, 100);
    private static final String N156_SPLIT = path('e', 55, 100);
    private static final String N156_NO_SPLIT = path('f', 54, 101);
    private static final String N255_SPLIT = path('g', 154, 100);
    private static final String N256_SPLIT = path('h', 155, 100);
    private static final String N257_NO_SPLIT = path('i', 156, 100);
    private static final String N300 = path('j', 100, 100, 98);
    /** A folder whose name is exactly 100 bytes with its trailing slash. */
    private static final String DIR100 = path('k', 50, 48);
    private static final String DIR101 = path('l', 50, 49);
    // multi-byte UTF-8 names whose byte 100 is inside a character (2, 3 and 4 bytes long)
    private static final String UTF2 = "m/x" + "é".repeat(60);
    private static final String UTF3 = "m/" + "日本語".repeat(14);
    private static final String UTF4 = "m/x" + "😀".repeat(30);
    private static final String UNICODE = "Ünïcödé (2019)/Info.xml";
    // non-ASCII names whose pax record is 99 and 101 bytes long (none is 100: "100 path=" + 91 bytes + "\n" is 101)
    private static final String PAX99 = "ü" + "x".repeat(88);
    private static final String PAX101 = "ü" + "y".repeat(89);
    private static final String LONG_TARGET = "../" + "t".repeat(140) + "/target.xml";

    @TempDir
    Path tmp;

    /** @return an ASCII path of components of the given lengths, the first made of {@code first}, then the next letters */
    static String path(char first, int... lengths) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lengths.length; i++) {
            if (i > 0) {
                sb.append('/');
            }
            sb.append(String.valueOf((char) (first + i)).repeat(lengths[i]));
        }
        return sb.toString();
    }

    private static UnitEntry file(String path, long size, int mode, FileTime mtime) {
        return new UnitEntry(path, EntryType.FILE, size, mtime, mode, null);
    }

    private static UnitEntry dir(String path, int mode, FileTime mtime) {
        return new UnitEntry(path, EntryType.DIRECTORY, 0, mtime, mode, null);
    }

    private static UnitEntry link(String path, String target, FileTime mtime) {
        return new UnitEntry(path, EntryType.SYMLINK, 0, mtime, 0777, target);
    }

    private static List<UnitEntry> boundaries() {
        List<UnitEntry> entries = new ArrayList<>(List.of(
                dir(DIR100, 0755, WHOLE),
                dir(DIR101, 0700, NANOS),
                file(N99, 1, 0644, WHOLE),
                file(N100, 511, 0644, WHOLE),
                file(N101_SPLIT, 512, 0600, WHOLE),
                file(N101_ONE_PART, 513, 0644, WHOLE),
                file(N155_SPLIT, 100_000, 0755, WHOLE),
                file(N156_SPLIT, 7, 0644, WHOLE),
                file(N156_NO_SPLIT, 7, 0644, WHOLE),
                file(N255_SPLIT, 1_500_000, 0644, WHOLE),
                file(N256_SPLIT, 7, 0644, WHOLE),
                file(N257_NO_SPLIT, 7, 0644, WHOLE),
                file(N300, 3_000, 0644, NANOS),
                file(UTF2, 20, 0644, WHOLE),
                file(UTF3, 20, 0644, NANOS),
                file(UTF4, 20, 0644, WHOLE),
                file(UNICODE, 40, 0644, NANOS),
                file(PAX99, 1, 0644, WHOLE),
                file(PAX101, 1, 0644, WHOLE),
                file("time/nanos.txt", 5, 0644, NANOS),
                file("time/whole.txt", 5, 0644, WHOLE),
                file("empty.txt", 0, 0644, NANOS),
                link("link", "empty.txt", WHOLE),
                link("long-link", LONG_TARGET, NANOS),
                link("link-99", "t".repeat(99), WHOLE),
                link("link-100", "t".repeat(100), WHOLE),
                link("unicode-link", UNICODE, WHOLE)));
        entries.addAll(randomEntries(new Random(20250601), 200));
        return entries;
    }

    /** Files with random names (ASCII and not, 1 to 6 components), sizes and times (whole and not). */
    private static List<UnitEntry> randomEntries(Random random, int count) {
        String[] pieces = {"a", "B", "7", " ", "-", "_", ".", "é", "日", "😀", "Ü"};
        List<UnitEntry> entries = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            StringBuilder sb = new StringBuilder("r").append(i);
            int components = 1 + random.nextInt(6);
            for (int c = 0; c < components; c++) {
                sb.append('/').append('x');
                int length = random.nextInt(random.nextBoolean() ? 20 : 60);
                for (int k = 0; k < length; k++) {
                    sb.append(random.nextInt(3) == 0 ? pieces[random.nextInt(pieces.length)] : "n");
                }
            }
            long seconds = 1_000_000_000L + random.nextInt(700_000_000); // 2001 to 2023: none in the future
            FileTime mtime = FileTime.from(Instant.ofEpochSecond(seconds,
                    random.nextBoolean() ? 0 : random.nextInt(1_000_000_000)));
            entries.add(file(sb.toString(), random.nextInt(3_000), 0644, mtime));
        }
        return entries;
    }

    private static ArchiveWriteRequest request(Path archive, List<UnitEntry> entries) {
        return new ArchiveWriteRequest("", archive.getParent(), archive, entries, Map.of(),
                (e, exact) -> new ByteArrayInputStream(TarFixtures.content(e)));
    }

    private static byte[] tar(List<UnitEntry> entries) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        TarWriter.write(request(Path.of("unit.tar"), entries), out);
        return out.toByteArray();
    }

    private static String name(UnitEntry e) {
        return e.type() == EntryType.DIRECTORY ? e.path() + "/" : e.path();
    }

    /** What tar keeps of a time: 100 ns. */
    private static Instant kept(FileTime t) {
        Instant i = t.toInstant();
        return i.minusNanos(i.getNano() % 100);
    }

    @Test
    void shouldWriteNamesLinksTimesAndSizesThatBackupKitsReaderReadsBack() throws IOException {
        List<UnitEntry> entries = boundaries();
        Path archive = TarFixtures.file(tmp, "unit.tar", tar(entries));

        Map<String, ArchivedEntry> read = new LinkedHashMap<>();
        Map<String, byte[]> contents = new LinkedHashMap<>();
        TarReader.read(archive, TarReader.DEFAULT_XZ_MEMORY_LIMIT_MIB, (entry, in) -> {
            read.put(entry.path(), entry);
            contents.put(entry.path(), in.readAllBytes());
        });

        assertThat(read.keySet()).containsExactlyElementsOf(entries.stream().map(TarStreamWriterTest::name).toList());
        for (UnitEntry e : entries) {
            String name = name(e);
            ArchivedEntry a = read.get(name);
            assertThat(a.type()).as(name).isEqualTo(e.type());
            assertThat(a.mode()).as(name).isEqualTo(e.mode());
            assertThat(a.mtime().toInstant()).as(name).isEqualTo(kept(e.mtime()));
            assertThat(a.linkTarget()).as(name).isEqualTo(e.linkTarget());
            assertThat(a.size()).as(name).isEqualTo(e.size());
            assertThat(contents.get(name)).as(name).isEqualTo(e.type() == EntryType.FILE
                    ? TarFixtures.content(e) : new byte[0]);
        }
    }

    @Test
    void shouldWriteNamesLinksTimesAndSizesThatGnuTarListsAndExtracts() throws Exception {
        List<UnitEntry> entries = boundaries();
        Path archive = TarFixtures.file(tmp, "unit.tar", tar(entries));

        // tar -tv: names, sizes, and times with their fraction (tar pads the time column, names start with no space)
        String listing = run(tmp, "tar", "--quoting-style=literal", "--full-time", "-tvf", archive.toString());
        Pattern line = Pattern.compile("(\\S{10}) \\S+ +(\\d+) (\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d(?:\\.\\d+)?) +(.*)");
        Map<String, String> listed = new LinkedHashMap<>();
        for (String l : listing.split("\n")) {
            Matcher m = line.matcher(l);
            assertThat(m.matches()).as(l).isTrue();
            String name = m.group(4);
            if (m.group(1).startsWith("l")) {
                name = name.substring(0, name.indexOf(" -> "));
            }
            listed.put(name, m.group(1) + " " + m.group(2) + " " + m.group(3) + " " + m.group(4));
        }
        assertThat(listed.keySet()).containsExactlyElementsOf(entries.stream().map(TarStreamWriterTest::name).toList());
        for (UnitEntry e : entries) {
            String expected = (switch (e.type()) {
                case DIRECTORY -> "d";
                case SYMLINK -> "l";
                default -> "-";
            }) + permissions(e.mode()) + " " + e.size() + " " + gnuTime(kept(e.mtime())) + " " + name(e)
                    + (e.type() == EntryType.SYMLINK ? " -> " + e.linkTarget() : "");
            assertThat(listed.get(name(e))).isEqualTo(expected);
        }

        // tar -x: content, sizes, modes, link targets and times to 100 ns
        Path out = Files.createDirectory(tmp.resolve("out"));
        run(tmp, "tar", "-xpf", archive.toString(), "-C", out.toString());
        for (UnitEntry e : entries) {
            Path p = out.resolve(e.path());
            switch (e.type()) {
                case DIRECTORY -> assertThat(p).as(e.path()).isDirectory();
                case SYMLINK -> assertThat(Files.readSymbolicLink(p).toString()).as(e.path())
                        .isEqualTo(e.linkTarget());
                default -> {
                    assertThat(Files.readAllBytes(p)).as(e.path()).isEqualTo(TarFixtures.content(e));
                    assertThat(Files.size(p)).as(e.path()).isEqualTo(e.size());
                }
            }
            if (e.type() != EntryType.SYMLINK) {
                assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(e.path())
                        .isEqualTo(permissions(e.mode()));
            }
            assertThat(Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS).toInstant()).as(e.path())
                    .isEqualTo(kept(e.mtime()));
        }
    }

    @Test
    void shouldPutInUstarWhatFitsAndInPaxOnlyWhatDoesNot() throws IOException {
        Map<String, Raw> raw = raw(tar(boundaries()));

        // fits the 100-byte name field (a folder with its slash too): no pax header at all
        for (String name : List.of(N99, N100, DIR100 + "/", "time/whole.txt", "link", "link-99")) {
            assertThat(raw.get(name).pax()).as(name).isNull();
            assertThat(raw.get(name).prefix()).as(name).isEmpty();
            assertThat(raw.get(name).name()).as(name).isEqualTo(name);
        }
        // ASCII up to 256 bytes split at a '/' into prefix and name, as GNU tar does
        for (String name : List.of(N101_SPLIT, N155_SPLIT, N156_SPLIT, N255_SPLIT, N256_SPLIT)) {
            Raw r = raw.get(name);
            assertThat(r.pax()).as(name).isNull();
            assertThat(r.prefix() + "/" + r.name()).as(name).isEqualTo(name);
            assertThat(r.name()).as(name).hasSizeLessThanOrEqualTo(100).isNotEmpty();
            assertThat(r.prefix()).as(name).hasSizeLessThanOrEqualTo(155);
        }
        // no split possible, non-ASCII, or a fraction of a second: a pax header
        for (String name : List.of(N101_ONE_PART, N156_NO_SPLIT, N257_NO_SPLIT, N300, UTF2, UTF3, UTF4, UNICODE)) {
            assertThat(raw.get(name).pax()).as(name).contains(" path=" + name + "\n");
        }
        assertThat(raw.get(N300).pax()).contains(" mtime=1748781296.1234567\n");
        assertThat(raw.get("time/nanos.txt").pax()).isEqualTo("28 mtime=1748781296.1234567\n");
        assertThat(raw.get(DIR101 + "/").pax()).isEqualTo("28 mtime=1748781296.1234567\n");
        assertThat(raw.get("long-link").pax()).isEqualTo(record("linkpath", LONG_TARGET)
                + "28 mtime=1748781296.1234567\n");
        assertThat(raw.get("link-100").pax()).isEqualTo(record("linkpath", "t".repeat(100)));
        assertThat(raw.get("unicode-link").pax()).isEqualTo(record("linkpath", UNICODE));
        // a record's length counts its own digits: 99 bytes, and 98 + 2 digits = 100 grown to 101 by the third digit
        assertThat(raw.get(PAX99).pax()).isEqualTo(record("path", PAX99)).startsWith("99 path=");
        assertThat(raw.get(PAX101).pax()).isEqualTo(record("path", PAX101)).startsWith("101 path=");
        // where a pax path is needed, the name field holds as much of the name as fits without cutting a character
        for (String name : List.of(UTF2, UTF3, UTF4)) {
            String field = raw.get(name).name();
            assertThat(field.getBytes(StandardCharsets.UTF_8).length).as(name).isBetween(97, 100);
            assertThat(name).as(name).startsWith(field);
        }
        assertThat(raw.get(N300).name()).isEqualTo(N300.substring(0, 100));
        // permission bits only, no owner
        assertThat(raw.get(N155_SPLIT).mode()).isEqualTo("0000755 ");
        assertThat(raw.get("link").mode()).isEqualTo("0000777 ");
    }

    @Test
    void shouldWriteTheSameBytesEveryTime() throws IOException {
        List<UnitEntry> entries = List.of(dir("Metadata", 0755, NANOS), file("Metadata/a.xml", 700, 0644, NANOS),
                file("Metadata/" + "b".repeat(120) + "/c.xml", 3, 0600, WHOLE), file("empty", 0, 0644, WHOLE),
                link("Metadata/link", "a.xml", NANOS), file(UTF2, 5, 0644, NANOS));

        assertThat(tar(entries)).isEqualTo(tar(entries));
    }

    @Test
    void shouldEndWithTwoZeroRecordsAndNoBlockPadding() throws IOException {
        byte[] tar = tar(List.of(file("a.txt", 5, 0644, WHOLE)));

        // one header, one record of content, two zero records: not padded to tar's 10240-byte block
        assertThat(tar).hasSize(4 * 512);
        assertThat(Arrays.copyOfRange(tar, 512, 517)).isEqualTo(TarFixtures.content(file("a.txt", 5, 0644, WHOLE)));
        assertThat(Arrays.copyOfRange(tar, 517, tar.length)).containsOnly((byte) 0);
        assertThat(new String(tar, 257, 8, StandardCharsets.US_ASCII)).isEqualTo("ustar\u000000");
        assertThat(new String(tar, 148, 8, StandardCharsets.US_ASCII)).matches("[0-7]{6}\u0000 ");
    }

    @Test
    void shouldKeepTimesBefore1970AndAfter2242ToTheSameHundredNanoseconds() throws IOException {
        List<UnitEntry> entries = new ArrayList<>();
        for (String t : List.of("1960-05-06T07:08:09.5Z", "1960-05-06T07:08:09Z", "1969-12-31T23:59:59.9999999Z",
                "1970-01-01T00:00:00Z", "2300-05-06T07:08:09.25Z", "2300-05-06T07:08:09Z",
                "2024-05-06T07:08:09.00000005Z")) {
            entries.add(file(t, 1, 0644, FileTime.from(Instant.parse(t))));
        }
        Path archive = TarFixtures.file(tmp, "times.tar", tar(entries));

        Map<String, Instant> read = new LinkedHashMap<>();
        TarReader.read(archive, TarReader.DEFAULT_XZ_MEMORY_LIMIT_MIB,
                (entry, in) -> read.put(entry.path(), entry.mtime().toInstant()));

        for (UnitEntry e : entries) {
            assertThat(read.get(e.path())).as(e.path()).isEqualTo(kept(e.mtime()));
        }
        Map<String, Raw> raw = raw(Files.readAllBytes(archive));
        assertThat(raw.get("1960-05-06T07:08:09.5Z").pax()).isEqualTo("28 mtime=-304707110.5000000\n");
        assertThat(raw.get("1969-12-31T23:59:59.9999999Z").pax()).isEqualTo("20 mtime=-0.0000001\n");
        assertThat(raw.get("1970-01-01T00:00:00Z").pax()).isNull();
        // less than 100 ns: nothing of it kept, so no pax header
        assertThat(raw.get("2024-05-06T07:08:09.00000005Z").pax()).isNull();
    }

    @Test
    void shouldDeclareASizeOf8GiBOrMoreInAPaxHeader() throws IOException {
        long size = 8L * 1024 * 1024 * 1024 + 1;
        HeadOnly out = new HeadOnly(64 * 1024);
        TarStreamWriter tar = new TarStreamWriter(out, TarWriter.RECORD_BUFFER, TarWriter.COPY_BUFFER);

        tar.file("huge.bin", 0644, WHOLE, size, new Zeros(size));
        tar.finish();

        assertThat(out.count).isEqualTo(3 * 512 + (size + 511) / 512 * 512 + 2 * 512);
        Map<String, Raw> raw = raw(Arrays.copyOf(out.head.toByteArray(), 3 * 512));
        assertThat(raw.get("huge.bin").pax()).isEqualTo("19 size=8589934593\n");
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(out.head.toByteArray()))) {
            TarArchiveEntry e = in.getNextEntry();
            assertThat(e.getName()).isEqualTo("huge.bin");
            assertThat(e.getSize()).isEqualTo(size);
        }
    }

    @Test
    void shouldFailWhenAFileYieldsFewerOrMoreBytesThanItsHeaderDeclares() {
        TarStreamWriter tar = new TarStreamWriter(OutputStream.nullOutputStream(), 1024, 512);

        assertThatThrownBy(() -> tar.file("short.bin", 0644, WHOLE, 10, new ByteArrayInputStream(new byte[9])))
                .isInstanceOf(IOException.class).hasMessageContaining("short.bin").hasMessageContaining("9 of the 10");
        TarStreamWriter other = new TarStreamWriter(OutputStream.nullOutputStream(), 1024, 512);
        assertThatThrownBy(() -> other.file("long.bin", 0644, WHOLE, 10, new ByteArrayInputStream(new byte[11])))
                .isInstanceOf(IOException.class).hasMessageContaining("long.bin").hasMessageContaining("more than");
    }

    @Test
    void shouldSplitAtASlashOnlyWhereBothPartsFit() {
        assertThat(TarStreamWriter.split(bytes(N101_SPLIT))).isEqualTo(50);
        assertThat(TarStreamWriter.split(bytes(N256_SPLIT))).isEqualTo(155);
        assertThat(TarStreamWriter.split(bytes(N257_NO_SPLIT))).isEqualTo(-1);
        assertThat(TarStreamWriter.split(bytes(N101_ONE_PART))).isEqualTo(-1);
        // a folder's trailing slash leaves no name to split off
        assertThat(TarStreamWriter.split(bytes(path('x', 101) + "/"))).isEqualTo(-1);
        assertThat(TarStreamWriter.split(bytes("/" + "x".repeat(100)))).isEqualTo(-1);
        assertThat(TarStreamWriter.fit(bytes("x" + "é".repeat(60)), 100)).isEqualTo(99);
        assertThat(TarStreamWriter.fit(bytes("é".repeat(60)), 100)).isEqualTo(100);
        assertThat(TarStreamWriter.fit(bytes("x".repeat(40)), 100)).isEqualTo(40);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String permissions(int mode) {
        StringBuilder sb = new StringBuilder();
        for (int shift = 6; shift >= 0; shift -= 3) {
            int bits = mode >> shift;
            sb.append((bits & 4) != 0 ? 'r' : '-').append((bits & 2) != 0 ? 'w' : '-')
                    .append((bits & 1) != 0 ? 'x' : '-');
        }
        return sb.toString();
    }

    /** As {@code tar --full-time} prints a time in UTC: the fraction without trailing zeros. */
    private static String gnuTime(Instant t) {
        String s = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss").format(t.atOffset(ZoneOffset.UTC));
        if (t.getNano() != 0) {
            s += ("." + String.format("%09d", t.getNano())).replaceAll("0+$", "");
        }
        return s;
    }

    /** Runs a tool in {@code dir} in UTC; fails unless it exits with 0 and says nothing on stderr. */
    private static String run(Path dir, String... command) throws Exception {
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().put("TZ", "UTC");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
        String stderr = Files.readString(err);
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + stderr).isZero();
        assertThat(stderr).as(String.join(" ", command)).isEmpty();
        return new String(out, StandardCharsets.UTF_8);
    }

    /** One entry's ustar header fields as stored, and the records of the pax header before it (or null). */
    record Raw(String name, String prefix, String mode, String pax) {
    }

    /** Parses a tar stream record by record, by the entries' full names (pax path, else prefix/name). */
    private static Map<String, Raw> raw(byte[] tar) {
        Map<String, Raw> out = new LinkedHashMap<>();
        String pax = null;
        int at = 0;
        while (at + 512 <= tar.length) {
            byte[] h = Arrays.copyOfRange(tar, at, at + 512);
            at += 512;
            if (h[0] == 0) {
                continue; // the end-of-archive records
            }
            long size = Long.parseLong(field(h, 124, 12).trim(), 8);
            if (h[156] == 'x') {
                pax = new String(tar, at, (int) size, StandardCharsets.UTF_8);
                assertThat(records(Arrays.copyOfRange(tar, at, at + (int) size))).as(pax).isTrue();
            } else {
                String name = field(h, 0, 100);
                String prefix = field(h, 345, 155);
                String full = prefix.isEmpty() ? name : prefix + "/" + name;
                if (pax != null && pax.contains(" path=")) {
                    int start = pax.indexOf(" path=") + 6;
                    full = pax.substring(start, pax.indexOf('\n', start));
                }
                out.put(full, new Raw(name, prefix, field(h, 100, 8), pax));
                pax = null;
            }
            at += (int) ((size + 511) / 512 * 512);
        }
        return out;
    }

    /** @return whether a pax header is made of records whose length prefix counts each record's bytes exactly */
    private static boolean records(byte[] pax) {
        int at = 0;
        while (at < pax.length) {
            int space = at;
            while (pax[space] != ' ') {
                space++;
            }
            int length = Integer.parseInt(new String(pax, at, space - at, StandardCharsets.US_ASCII));
            if (length <= 0 || at + length > pax.length || pax[at + length - 1] != '\n') {
                return false;
            }
            at += length;
        }
        return true;
    }

    /** A pax record, its length found by trying each length in turn. */
    private static String record(String key, String value) {
        for (int n = 1; ; n++) {
            String r = n + " " + key + "=" + value + "\n";
            if (bytes(r).length == n) {
                return r;
            }
        }
    }

    private static String field(byte[] h, int offset, int length) {
        int end = offset;
        while (end < offset + length && h[end] != 0) {
            end++;
        }
        return new String(h, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** Keeps the first bytes written and counts the rest. */
    private static final class HeadOnly extends OutputStream {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        final int keep;
        long count;

        HeadOnly(int keep) {
            this.keep = keep;
        }

        @Override
        public void write(int b) {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            int n = (int) Math.max(0, Math.min(len, keep - count));
            head.write(b, off, n);
            count += len;
        }
    }

    /** {@code size} bytes of whatever the buffer holds, without touching it. */
    private static final class Zeros extends InputStream {
        private long left;

        Zeros(long size) {
            this.left = size;
        }

        @Override
        public int read() {
            if (left == 0) {
                return -1;
            }
            left--;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (left == 0) {
                return -1;
            }
            int n = (int) Math.min(len, left);
            left -= n;
            return n;
        }
    }
}
