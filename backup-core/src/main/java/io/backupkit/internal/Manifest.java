package io.backupkit.internal;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.List;
import java.util.Map;

/**
 * The content of a snapshot's {@code manifest.json}, written last: a snapshot without one is not complete.
 *
 * <pre>{@code
 * Manifest m = Json.readManifest(snapshot.resolve("manifest.json"));
 * }</pre>
 *
 * @param formatVersion the snapshot format; see {@link #FORMAT_VERSION}
 * @param engineVersion the BackupKit version that wrote it
 * @param id the snapshot id
 * @param created when the backup started (ISO-8601)
 * @param finished when the manifest was written (ISO-8601)
 * @param host the host that ran the backup
 * @param app the backed-up application, when known
 * @param archiver the archiver and its options
 * @param plan the plan settings a restore needs (excludes, special folders)
 * @param units the units, in the order written
 * @param totals sums over the units
 * @param extras files that {@code beforeBackup} hooks stored in the snapshot's {@code extras/} folder; {@code null}
 *        (absent) when none
 * @param databases the files captured as live databases, sorted by path; {@code null} (absent) when none, as in
 *        manifests written before database capture existed
 * @param inventory the plan's inventories of the source, by name, each sorted; {@code null} (absent) when the plan
 *        has none, as in manifests written before inventories existed (which read as "no inventories"). Readers that
 *        do not know the field ignore it, so it needs no new format version
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Manifest(int formatVersion, String engineVersion, String id, String created, String finished,
                       String host, App app, ArchiverInfo archiver, PlanInfo plan, List<UnitRecord> units,
                       Totals totals, List<ExtraFile> extras, List<DatabaseFile> databases,
                       Map<String, List<String>> inventory) {

    /** Folder of a snapshot holding the hooks' extra files. */
    public static final String EXTRAS = "extras";

    /** The snapshot format this library writes and the newest it reads. */
    public static final int FORMAT_VERSION = 1;

    /**
     * @param id application id ({@code plex}, {@code emby}, ...)
     * @param version application version
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record App(String id, String version) {
    }

    /**
     * @param id archiver id
     * @param extension archive file extension, {@code ""} for folders
     * @param options options the archives were written with
     */
    public record ArchiverInfo(String id, String extension, Map<String, String> options) {
    }

    /**
     * @param excludes the exclude globs in force
     * @param special the special folders, copied as plain files
     * @param split the folders split one level deeper into units; {@code null} (absent) when none
     * @param databases the globs of the files captured as live databases; {@code null} (absent) when none
     */
    public record PlanInfo(List<String> excludes, List<String> special,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> split,
                           @JsonInclude(JsonInclude.Include.NON_NULL) List<String> databases) {
    }

    /**
     * A file captured through a {@link io.backupkit.spi.DatabaseCapture} provider: its content in the snapshot is
     * the provider's consistent copy, checked with the same provider on restore.
     *
     * @param path the source-relative path
     * @param capture the provider's id, e.g. {@code sqlite}
     */
    public record DatabaseFile(String path, String capture) {
    }

    /**
     * @param name unit name ({@code ""} for the root files)
     * @param kind {@code archive} (written by the archiver) or {@code folder} (a special folder, plain copy)
     * @param archive snapshot-relative path of the archive file or folder
     * @param archiveSize archive size in bytes; for a folder, the bytes of the files this run copied into it (files
     *        hard-linked from an earlier snapshot cost no space and are not counted)
     * @param archiveSha256 SHA-256 of the archive file; {@code null} for a folder (its files are checked through the
     *        index)
     * @param index snapshot-relative path of the index
     * @param indexSha256 SHA-256 of the index file
     * @param files regular files in the unit
     * @param directories folders in the unit
     * @param links symbolic links in the unit
     * @param bytes content bytes of the unit's files
     * @param reusedFrom the id of the earlier snapshot whose archive this unit reuses unchanged (hard-linked or
     *        copied), or {@code null} when the unit was written by this run
     * @param archiveMtime the archive file's last-modified time once written (ISO-8601), or {@code null} (a folder,
     *        or a snapshot of an earlier version)
     * @param checked when the archive's bytes were last read and found to match {@code archiveSha256} (ISO-8601):
     *        the run that wrote it, or the last run that re-hashed it before reusing it; {@code null} for a folder
     *        or a snapshot of an earlier version. A later backup reuses the archive without reading it while this
     *        is within {@link io.backupkit.BackupPlan#recheckAfter()} and the file's size and time are unchanged
     * @param entriesSha256 SHA-256 of the entries the index lists, in a fixed binary form (path, type, mode, time,
     *        a file's size, a link's target): a later backup that walks entries with the same digest reuses the unit
     *        without reading the index; {@code null} for a snapshot of an earlier version, which is compared line by
     *        line
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record UnitRecord(String name, String kind, String archive, long archiveSize, String archiveSha256,
                             String index, String indexSha256, long files, long directories, long links,
                             long bytes, String reusedFrom, String archiveMtime, String checked,
                             String entriesSha256) {

        /** Kind of a unit written by the plan's archiver. */
        public static final String ARCHIVE = "archive";
        /** Kind of a special folder copied as plain files. */
        public static final String FOLDER = "folder";
    }

    /**
     * @param path path below {@code extras/}, {@code /}-separated
     * @param size size in bytes
     * @param sha256 SHA-256 of the content
     */
    public record ExtraFile(String path, long size, String sha256) {
    }

    /**
     * @param files regular files
     * @param directories folders
     * @param links symbolic links
     * @param bytes content bytes
     * @param storedBytes bytes of archives and indexes on the destination
     */
    public record Totals(long files, long directories, long links, long bytes, long storedBytes) {
    }
}
