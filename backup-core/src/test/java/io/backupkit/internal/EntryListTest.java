package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryListTest {

    private static final FileTime T = FileTime.from(Instant.parse("2026-03-04T05:06:07.123456789Z"));

    @Property(tries = 200)
    void shouldGiveBackEveryEntryInPathOrder(@ForAll("entries") List<UnitEntry> entries) {
        List<UnitEntry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparing(UnitEntry::path));

        EntryList list = EntryList.copyOf(entries);

        assertThat(list).hasSize(sorted.size()).containsExactlyElementsOf(sorted); // through the iterator
        long files = 0;
        long bytes = 0;
        for (int i = 0; i < sorted.size(); i++) {
            assertThat(list.get(i)).isEqualTo(sorted.get(i));
            assertThat(list.pathAt(i)).isEqualTo(sorted.get(i).path());
            assertThat(list.indexOfPath(sorted.get(i).path())).isEqualTo(i);
            assertThat(list.indexOf(sorted.get(i))).isEqualTo(i);
            if (sorted.get(i).type() == EntryType.FILE) {
                files++;
                bytes += sorted.get(i).size();
            }
        }
        assertThat(list.files()).isEqualTo(files);
        assertThat(list.bytes()).isEqualTo(bytes);
        assertThat(list.indexOfPath("")).isEqualTo(-1);
        assertThat(list.indexOfPath("\uffff\uffff")).isEqualTo(-1);
        for (UnitEntry e : sorted) {
            assertThat(list.indexOfPath(e.path() + "\u0000")).isEqualTo(-1);
        }
    }

    @Provide
    Arbitrary<List<UnitEntry>> entries() {
        // short names from a small alphabet, so that paths share prefixes and sort next to each other; '/' and '!'
        // sort apart, 'é' takes two bytes, '\uFB01' three and the emoji four (and sorts before '\uFB01' as UTF-16)
        Arbitrary<String> path = Arbitraries.of("a", "b", "a!", "a.txt", "é", "\uFB01", "\uD83D\uDE00", "/")
                .list().ofMinSize(1).ofMaxSize(8).map(parts -> String.join("", parts));
        Arbitrary<UnitEntry> entry = Combinators.combine(path, Arbitraries.of(EntryType.values()),
                Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(-62_000_000_000L,
                        250_000_000_000L), Arbitraries.integers().between(0, 999_999_999),
                Arbitraries.integers().between(0, 07777)).as((p, type, size, seconds, nanos, mode) ->
                new UnitEntry(p, type, size, FileTime.from(Instant.ofEpochSecond(seconds, nanos)), mode,
                        type == EntryType.SYMLINK ? "../" + p + "\uD83D\uDE00" : null));
        return entry.list().ofMaxSize(120).map(list -> {
            Map<String, UnitEntry> distinct = new TreeMap<>();
            list.forEach(e -> distinct.putIfAbsent(e.path(), e));
            return new ArrayList<>(distinct.values());
        });
    }

    @Test
    void shouldSortAsStringsDoWhereUtf8BytesSortOtherwise() {
        // U+1F600 is a surrogate pair, below U+FB01 in UTF-16 but above it in UTF-8
        UnitEntry emoji = file("x/\uD83D\uDE00", 1);
        UnitEntry ligature = file("x/\uFB01", 2);
        EntryList list = EntryList.copyOf(List.of(ligature, emoji));
        assertThat(list).containsExactly(emoji, ligature);
        assertThat(list.indexOfPath("x/\uFB01")).isEqualTo(1);
    }

    @Test
    void shouldKeepTimesBeforeTheEpochAndInOtherUnits() {
        UnitEntry old = new UnitEntry("old", EntryType.FILE, 0, FileTime.from(-1, TimeUnit.NANOSECONDS), 0644, null);
        UnitEntry seconds = new UnitEntry("seconds", EntryType.DIRECTORY, 0, FileTime.from(1_700_000_000,
                TimeUnit.SECONDS), 01777, null);
        EntryList list = EntryList.copyOf(List.of(old, seconds));
        assertThat(list.get(0).mtime()).isEqualTo(old.mtime());
        assertThat(list.get(0).mtime().toString()).isEqualTo(old.mtime().toString());
        assertThat(list.get(1).mtime()).isEqualTo(seconds.mtime());
        assertThat(list.get(1).mode()).isEqualTo(01777);
    }

    @Test
    void shouldCrossManyBlocks() {
        EntryList.Builder b = new EntryList.Builder();
        List<UnitEntry> expected = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            UnitEntry e = file(String.format("Metadata/TV Shows/%05d.bundle/Contents/Info.xml", i), i);
            b.add(e);
            expected.add(e);
        }
        EntryList list = b.build();
        assertThat(list).containsExactlyElementsOf(expected);
        assertThat(list.get(EntryList.BLOCK * 17 + 5)).isEqualTo(expected.get(EntryList.BLOCK * 17 + 5));
        assertThat(list.indexOfPath("Metadata/TV Shows/09999.bundle/Contents/Info.xml")).isEqualTo(9_999);
        assertThat(list.bytes()).isEqualTo(9_999L * 10_000 / 2);
    }

    @Test
    void shouldRefuseEntriesOutOfOrderOrTwiceNamingThePath() {
        EntryList.Builder b = new EntryList.Builder().add(file("b", 1));
        assertThatThrownBy(() -> b.add(file("a", 1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' is not after 'b'");
        assertThatThrownBy(() -> b.add(file("b", 1))).hasMessageContaining("listed twice");
        assertThatThrownBy(() -> EntryList.copyOf(List.of(file("c", 1), file("c", 2))))
                .hasMessageContaining("'c'").hasMessageContaining("listed twice");
    }

    @Test
    void shouldRefuseAnUnpairedSurrogateNamingThePath() {
        assertThatThrownBy(() -> EntryList.copyOf(List.of(file("bad\uD800name", 1))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unpaired surrogate")
                .hasMessageContaining("bad");
    }

    @Test
    void shouldTakeLessThanAThirdOfTheObjectsItReplaces() {
        EntryList.Builder b = new EntryList.Builder();
        for (int i = 0; i < 4_000; i++) {
            b.add(file(String.format("Metadata/Movies/%02x/%040x.bundle/Contents/_combined/Info.xml", i >> 8, i), i));
        }
        EntryList list = b.build();
        // 94 characters of path an entry, about 200 bytes as a UnitEntry with its String and FileTime; the list keeps
        // the 36 bytes after the shared prefix, a few bytes of attributes and 1/16 of an int
        assertThat(list.storedBytes()).isLessThan(4_000L * 60);
    }

    private static UnitEntry file(String path, long size) {
        return new UnitEntry(path, EntryType.FILE, size, T, 0644, null);
    }
}
