package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexLineReaderTest {

    @TempDir
    Path tmp;

    @Test
    void shouldReadEachLineWithItsPlaceAndReadItBackFromThere() throws IOException {
        IndexEntry a = new IndexEntry("a.txt", EntryType.FILE, 3, "2026-01-01T00:00:00Z", 0644, "ab".repeat(32), null);
        IndexEntry longName = new IndexEntry("d/" + "x".repeat(150_000), EntryType.DIRECTORY, 0,
                "2026-01-01T00:00:00Z", 0755, null, null);
        IndexEntry link = new IndexEntry("l", EntryType.SYMLINK, 0, "2026-01-01T00:00:00Z", 0777, null, "a.txt");
        String text = line(a) + "\n  \r\n" + line(longName) + "\r\n" + line(link); // the last without a line break
        Path index = tmp.resolve("i.jsonl");
        Files.writeString(index, text, StandardCharsets.UTF_8);

        List<IndexEntry> entries = new ArrayList<>();
        List<Long> offsets = new ArrayList<>();
        List<Integer> numbers = new ArrayList<>();
        int blanks = 0;
        try (IndexLineReader r = new IndexLineReader(index)) {
            while (r.next()) {
                if (r.blank()) {
                    blanks++;
                    continue;
                }
                entries.add(r.entry());
                offsets.add(r.offset());
                numbers.add(r.lineNo());
            }
        }

        assertThat(entries).containsExactly(a, longName, link);
        assertThat(blanks).isEqualTo(1);
        assertThat(numbers).containsExactly(1, 3, 4);
        assertThat(offsets).containsExactly(0L, (long) text.indexOf("{\"path\":\"d/"),
                (long) text.indexOf("{\"path\":\"l\""));
        try (FileChannel ch = IndexLineReader.open(index)) {
            for (int i = 0; i < entries.size(); i++) {
                assertThat(IndexLineReader.entryAt(ch, offsets.get(i))).isEqualTo(entries.get(i));
            }
        }
    }

    @Test
    void shouldRefuseALineLongerThanTheLimitNamingIt() throws IOException {
        Path index = tmp.resolve("long.jsonl");
        Files.writeString(index, "{}\n" + "x".repeat(IndexLineReader.MAX_LINE + 10) + "\n");
        try (IndexLineReader r = new IndexLineReader(index)) {
            assertThat(r.next()).isTrue();
            assertThatThrownBy(r::next).isInstanceOf(IOException.class).hasMessageContaining("line 2")
                    .hasMessageContaining("longer than");
        }
    }

    @Test
    void shouldRefuseBytesThatAreNotUtf8() throws IOException {
        Path index = tmp.resolve("latin1.jsonl");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("{\"path\":\"caf".getBytes(StandardCharsets.US_ASCII));
        out.write(0xe9);
        out.writeBytes("\"}\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(index, out.toByteArray());
        try (IndexLineReader r = new IndexLineReader(index)) {
            assertThat(r.next()).isTrue();
            assertThatThrownBy(r::entry).isInstanceOf(IOException.class);
            assertThat(r.next()).isFalse();
        }
    }

    private static String line(IndexEntry e) throws IOException {
        return Json.MAPPER.writeValueAsString(e);
    }
}
