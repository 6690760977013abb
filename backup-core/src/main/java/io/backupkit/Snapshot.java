package io.backupkit;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One snapshot in a destination, complete or unfinished, as listed by {@link BackupPlan#snapshots()}.
 *
 * <pre>{@code
 * for (Snapshot s : plan.snapshots()) {
 *     System.out.println(s.id() + (s.complete() ? "" : " (unfinished)"));
 * }
 * }</pre>
 *
 * @param id the snapshot id, the UTC start time as {@code yyyyMMdd'T'HHmmss'Z'}
 * @param created when the backup started
 * @param appVersion the backed-up application's version, or {@code null} when none was recorded
 * @param complete {@code true} once the snapshot is committed; unfinished ones can be resumed
 * @param location the snapshot's folder
 * @param archiver the archiver id, or {@code null} for an unfinished snapshot whose state is unreadable
 * @param units number of units; 0 for an unfinished snapshot
 * @param files number of regular files; 0 for an unfinished snapshot
 * @param bytes total size of the files' content; 0 for an unfinished snapshot
 * @param pinned {@code true} when the snapshot is pinned ({@link BackupPlan#pin(String)}): retention never removes it
 * @param storedBytes what the snapshot occupies on the destination counted on its own, from its manifest: for each
 *        unit the archive's size, or for a folder unit (mirror, special folders) the size of its files. Files
 *        hard-linked between snapshots are counted in each snapshot that holds them, so a sum over snapshots is an
 *        upper bound of the space used. Indexes and logs are not counted. 0 for an unfinished snapshot
 */
public record Snapshot(String id, Instant created, String appVersion, boolean complete, Path location,
                       String archiver, int units, long files, long bytes, boolean pinned, long storedBytes) {

    /**
     * A snapshot that is not pinned and whose stored size is unknown (0): for tests and custom policies.
     *
     * @param id the snapshot id
     * @param created when the backup started
     * @param appVersion the application's version, or {@code null}
     * @param complete whether the snapshot is committed
     * @param location the snapshot's folder
     * @param archiver the archiver id, or {@code null}
     * @param units number of units
     * @param files number of regular files
     * @param bytes total size of the files' content
     */
    public Snapshot(String id, Instant created, String appVersion, boolean complete, Path location,
                    String archiver, int units, long files, long bytes) {
        this(id, created, appVersion, complete, location, archiver, units, files, bytes, false, 0);
    }

    /**
     * @param pinned the pin mark
     * @return a copy of this snapshot with that mark
     */
    public Snapshot withPinned(boolean pinned) {
        return new Snapshot(id, created, appVersion, complete, location, archiver, units, files, bytes, pinned,
                storedBytes);
    }
}
