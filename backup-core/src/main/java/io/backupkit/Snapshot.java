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
 */
public record Snapshot(String id, Instant created, String appVersion, boolean complete, Path location,
                       String archiver, int units, long files, long bytes) {
}
