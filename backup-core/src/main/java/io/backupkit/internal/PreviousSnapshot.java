package io.backupkit.internal;

import io.backupkit.Snapshot;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BiPredicate;
import java.util.function.Consumer;

/**
 * The newest complete snapshot written with the same archiver and options as the running backup: the source of
 * unchanged units (reused whole) and unchanged files (linked by folder-based archivers).
 *
 * <pre>{@code
 * PreviousSnapshot prev = PreviousSnapshot.find(store, id, archiverInfo, log::info);
 * Manifest.UnitRecord r = prev == null ? null : prev.unit("Metadata");
 * }</pre>
 */
final class PreviousSnapshot {

    private final String id;
    private final Path dir;
    private final Map<String, Manifest.UnitRecord> units = new HashMap<>();

    private PreviousSnapshot(String id, Path dir, Manifest manifest) {
        this.id = id;
        this.dir = dir;
        for (Manifest.UnitRecord u : manifest.units()) {
            if (u.name() != null) {
                units.put(u.name(), u);
            }
        }
    }

    /**
     * @param store the destination
     * @param running the id of the snapshot being written, never chosen
     * @param archiver the running backup's archiver and options
     * @param contentOptions the options that change what the archiver writes; only these must match
     * @param info receives why a snapshot was passed over
     * @return the newest complete snapshot of this format written with {@code archiver}, or {@code null}
     */
    static PreviousSnapshot find(SnapshotStore store, String running, Manifest.ArchiverInfo archiver,
                                 Set<String> contentOptions, Consumer<String> info) {
        List<Snapshot> snapshots = store.list();
        for (Snapshot s : snapshots) {
            if (!s.complete() || s.id().equals(running)) {
                continue;
            }
            try {
                Manifest m = SnapshotStore.readManifest(s.location(), s.id());
                if (m.formatVersion() == Manifest.FORMAT_VERSION && sameContent(archiver, m.archiver(),
                        contentOptions)) {
                    return new PreviousSnapshot(s.id(), s.location(), m);
                }
            } catch (RuntimeException e) {
                info.accept("snapshot " + s.id() + " is not reused: " + e.getMessage());
            }
        }
        return null;
    }

    private static boolean sameContent(Manifest.ArchiverInfo now, Manifest.ArchiverInfo then, Set<String> keys) {
        if (then == null || !now.id().equals(then.id()) || !now.extension().equals(then.extension())) {
            return false;
        }
        Map<String, String> before = then.options() == null ? Map.of() : then.options();
        for (String key : keys) {
            if (!Objects.equals(now.options().get(key), before.get(key))) {
                return false;
            }
        }
        return true;
    }

    /** @return the snapshot id */
    String id() {
        return id;
    }

    /**
     * @param name a unit name
     * @return the unit's record, or {@code null} when the snapshot has no such unit
     */
    Manifest.UnitRecord unit(String name) {
        return units.get(name);
    }

    /**
     * @param relative a snapshot-relative path from a unit record
     * @return the path inside the snapshot, or {@code null} when the record's path is unsafe
     */
    Path resolve(String relative) {
        if (relative == null || SafePaths.checkName(relative) != null) {
            return null;
        }
        return dir.resolve(relative);
    }

    /**
     * Compares one unit's index, line by line, with the entries walked now, without holding the index: an index
     * lists its unit's entries in the walk's order (sorted by path), so an unchanged unit gives the same sequence.
     * An index in any other order counts as changed, which costs a rewrite, never a wrong reuse.
     *
     * @param unit the unit's record
     * @param entries the unit's entries as walked, in walk order
     * @param same whether a walked entry is recorded unchanged by an index line
     * @return {@code true} when every line matches the entry at its place and the counts agree
     * @throws IOException if the index cannot be read or does not parse, or (read to its end) its hash differs
     */
    boolean sameEntries(Manifest.UnitRecord unit, List<UnitEntry> entries,
                        BiPredicate<UnitEntry, IndexEntry> same)
            throws IOException {
        return IndexLines.sameInOrder(indexFile(unit), unit.indexSha256(), entries, same);
    }

    /**
     * Hashes one unit's index without parsing it.
     *
     * @param unit the unit's record
     * @throws IOException if the index cannot be read or its hash differs from the manifest's
     */
    void checkIndex(Manifest.UnitRecord unit) throws IOException {
        Path index = indexFile(unit);
        if (!Hashing.sha256(index).equals(unit.indexSha256())) {
            throw new IOException("index " + index + " does not match its SHA-256 in the manifest");
        }
    }

    /**
     * Reads one unit's index, checking its SHA-256 against the manifest.
     *
     * @param unit the unit's record
     * @return the entries by path
     * @throws IOException if the index cannot be read, does not parse, or its hash differs
     */
    Map<String, IndexEntry> index(Manifest.UnitRecord unit) throws IOException {
        Path index = indexFile(unit);
        // hashed as it is parsed: the file is read once; nothing parsed is used unless the hash matches
        MessageDigest md = Hashing.sha256();
        Map<String, IndexEntry> entries = new HashMap<>();
        IOException unparsable = null;
        try (DigestInputStream in = new DigestInputStream(Files.newInputStream(index, LinkOption.NOFOLLOW_LINKS), md);
             IndexLineReader r = new IndexLineReader(in)) {
            try {
                while (r.next()) {
                    if (!r.blank()) {
                        IndexEntry e = r.entry();
                        entries.put(e.path(), e);
                    }
                }
            } catch (IOException e) {
                unparsable = new IOException("index " + index + " line " + r.lineNo() + ": " + e.getMessage(), e);
                in.transferTo(OutputStream.nullOutputStream()); // hashed to its end: damage is named as such
            }
        }
        if (!Hashing.hex(md.digest()).equals(unit.indexSha256())) {
            throw new IOException("index " + index + " does not match its SHA-256 in the manifest");
        }
        if (unparsable != null) {
            throw unparsable;
        }
        return entries;
    }

    private Path indexFile(Manifest.UnitRecord unit) throws IOException {
        Path index = resolve(unit.index());
        if (index == null) {
            throw new IOException("unit '" + unit.name() + "' of snapshot " + id + " has an unsafe index path");
        }
        return index;
    }
}
