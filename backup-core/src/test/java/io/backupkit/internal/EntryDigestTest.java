package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;
import org.junit.jupiter.api.Test;

import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class EntryDigestTest {

    private static final FileTime T = FileTime.from(Instant.parse("2026-01-02T03:04:05.123456789Z"));

    private static List<UnitEntry> base() {
        return List.of(
                new UnitEntry("Metadata", EntryType.DIRECTORY, 0, T, 0755, null),
                new UnitEntry("Metadata/a.xml", EntryType.FILE, 120, T, 0644, null),
                new UnitEntry("Metadata/link", EntryType.SYMLINK, 0, T, 0777, "a.xml"));
    }

    private static List<UnitEntry> with(int index, UnitEntry e) {
        List<UnitEntry> out = new ArrayList<>(base());
        out.set(index, e);
        return out;
    }

    @Test
    void shouldGiveTheSameDigestForTheSameEntriesAndAnotherForAnyFieldChanged() {
        String same = EntryDigest.of(base());
        assertThat(EntryDigest.of(new ArrayList<>(base()))).isEqualTo(same).matches("[0-9a-f]{64}");

        List<List<UnitEntry>> changed = List.of(
                with(1, new UnitEntry("Metadata/b.xml", EntryType.FILE, 120, T, 0644, null)),
                with(1, new UnitEntry("Metadata/a.xml", EntryType.FILE, 121, T, 0644, null)),
                with(1, new UnitEntry("Metadata/a.xml", EntryType.FILE, 120,
                        FileTime.from(T.toInstant().plusNanos(1)), 0644, null)),
                with(1, new UnitEntry("Metadata/a.xml", EntryType.FILE, 120,
                        FileTime.from(T.toInstant().minusSeconds(1)), 0644, null)),
                with(1, new UnitEntry("Metadata/a.xml", EntryType.FILE, 120, T, 0640, null)),
                with(0, new UnitEntry("Metadata", EntryType.DIRECTORY, 0, T, 02755, null)),
                with(2, new UnitEntry("Metadata/link", EntryType.SYMLINK, 0, T, 0777, "b.xml")),
                with(2, new UnitEntry("Metadata/link", EntryType.FILE, 0, T, 0777, null)),
                List.of(base().get(1), base().get(0), base().get(2)), // another order
                base().subList(0, 2));
        Set<String> digests = new HashSet<>();
        digests.add(same);
        for (List<UnitEntry> c : changed) {
            assertThat(digests.add(EntryDigest.of(c))).as(c.toString()).isTrue();
        }
    }

    @Test
    void shouldNotConfuseFieldsAcrossEntryBoundaries() {
        // the same characters split differently between two paths
        List<UnitEntry> a = List.of(new UnitEntry("ab", EntryType.DIRECTORY, 0, T, 0755, null),
                new UnitEntry("c", EntryType.DIRECTORY, 0, T, 0755, null));
        List<UnitEntry> b = List.of(new UnitEntry("a", EntryType.DIRECTORY, 0, T, 0755, null),
                new UnitEntry("bc", EntryType.DIRECTORY, 0, T, 0755, null));
        assertThat(EntryDigest.of(a)).isNotEqualTo(EntryDigest.of(b));
        assertThat(EntryDigest.of(List.of())).isNotEqualTo(EntryDigest.of(List.of(
                new UnitEntry("", EntryType.DIRECTORY, 0, T, 0, null))));
    }

    @Test
    void shouldCountAFilesSizeOnly() {
        // the index records size 0 for folders and links, whatever the walk saw
        UnitEntry dir = new UnitEntry("d", EntryType.DIRECTORY, 0, T, 0755, null);
        EntryDigest d = new EntryDigest();
        d.add("d", EntryType.DIRECTORY, 4096, T, 0755, null);
        assertThat(d.sha256()).isEqualTo(EntryDigest.of(List.of(dir)));
    }

    @Test
    void shouldDigestPathsLongerThanItsBuffer() {
        String longName = "x".repeat(40_000);
        List<UnitEntry> a = List.of(new UnitEntry(longName, EntryType.FILE, 1, T, 0644, null),
                new UnitEntry(longName + "y", EntryType.SYMLINK, 0, T, 0777, longName));
        List<UnitEntry> b = List.of(new UnitEntry(longName, EntryType.FILE, 1, T, 0644, null),
                new UnitEntry(longName + "y", EntryType.SYMLINK, 0, T, 0777, longName + "z"));
        assertThat(EntryDigest.of(a)).isEqualTo(EntryDigest.of(List.copyOf(a))).isNotEqualTo(EntryDigest.of(b));
    }
}
