package io.backupkit;

import java.nio.file.Path;

/**
 * What a run hook receives: which run this is, and a folder of extra files that travel with the snapshot.
 *
 * <pre>{@code
 * BackupPlan.builder()...
 *     .beforeBackup(ctx -> exportRegistryKey("HKCU\\Software\\Plex, Inc.", ctx.extras().resolve("plex.reg")))
 *     .afterRestore(ctx -> importRegistryKey(ctx.extras().resolve("plex.reg")))
 *     .build();
 * }</pre>
 *
 * @param operation {@link Operation#BACKUP}, {@link Operation#RESUME} or {@link Operation#RESTORE}
 * @param snapshotId the snapshot being written or restored (the archive's file name for an archive made by another
 *        tool); {@code null} for {@code beforeBackup}, which runs before the snapshot is chosen
 * @param source the plan's source folder, or {@code null} for a plan without one
 * @param target the folder being restored into; {@code null} for a backup
 * @param extras for a backup, an empty folder whose files (written by {@code beforeBackup} hooks) are stored in the
 *        snapshot's {@code extras/} folder with their SHA-256 in the manifest; for a restore, that folder of the
 *        snapshot, checked, to be read only (it may not exist when the backup stored none); {@code null} when
 *        restoring an archive made by another tool
 */
public record RunContext(Operation operation, String snapshotId, Path source, Path target, Path extras) {
}
