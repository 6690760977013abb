/**
 * BackupKit's public API: compose a {@link io.backupkit.BackupPlan} and run it.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder()
 *     .source(Path.of("/var/lib/plexmediaserver/Library/Application Support/Plex Media Server"))
 *     .destination(Path.of("/mnt/nas/backups/plex"))
 *     .exclude("Logs/**", "Cache/**")
 *     .retention(RetentionPolicies.keepLast(7))
 *     .build();
 * BackupResult result = plan.backup();
 * }</pre>
 *
 * <p>Everything in this package is a stable promise: names, records and exceptions. All exceptions are unchecked
 * and extend {@link io.backupkit.BackupException}.
 */
package io.backupkit;
