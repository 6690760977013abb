package io.backupkit.internal;

import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.util.List;

/**
 * One unit of a backup: the source root's loose files, one top-level folder, or one special folder.
 *
 * <pre>{@code
 * List<Unit> units = new SourceScanner(source, excludes, special, warnings::add).scan();
 * }</pre>
 *
 * @param name {@code ""} for the root files, else the source-relative folder path
 * @param special {@code true} for a special folder, copied as plain files rather than archived
 * @param entries the entries, sorted by path (folders before their content)
 * @param shallow {@code true} for the own unit of a split folder: the folder and its loose files only, its
 *        sub-folders being units of their own
 */
public record Unit(String name, boolean special, List<UnitEntry> entries, boolean shallow) {

    /**
     * A unit holding a whole folder (or the root's loose files).
     *
     * @param name the unit name
     * @param special whether it is a special folder
     * @param entries its entries
     */
    public Unit(String name, boolean special, List<UnitEntry> entries) {
        this(name, special, entries, false);
    }

    /**
     * @return number of regular files
     */
    public long files() {
        if (entries instanceof EntryList l) {
            return l.files();
        }
        return entries.stream().filter(e -> e.type() == EntryType.FILE).count();
    }

    /**
     * @return total content size of the regular files as walked
     */
    public long bytes() {
        if (entries instanceof EntryList l) {
            return l.bytes();
        }
        return entries.stream().filter(e -> e.type() == EntryType.FILE).mapToLong(UnitEntry::size).sum();
    }

    /**
     * @return the file name (without extension) of this unit's archive and index
     */
    public String fileName() {
        return UnitNames.fileName(name);
    }
}
