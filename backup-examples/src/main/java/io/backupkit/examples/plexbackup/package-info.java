/**
 * Backups written by PlexBackup.ps1, the Windows PowerShell script many Plex users ran before: its folder layout read
 * into a {@link io.backupkit.RestoreRequest#fromParts(java.util.List)} restore, and its registry files imported with
 * {@code reg import}.
 *
 * <pre>{@code
 * PlexBackupLayout b = PlexBackupLayout.read(Path.of("\\\\nas\\PlexBackup"));
 * plan.restore(b.request().target(plexData));
 * }</pre>
 *
 * <p>Examples, not API: the layout and where each fact comes from are in the module's README ("Coming from
 * PlexBackup.ps1").
 */
package io.backupkit.examples.plexbackup;
