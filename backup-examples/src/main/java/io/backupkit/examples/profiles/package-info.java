/**
 * Application profiles: the data folder, exclusions, split folders, databases and services of Plex, Emby,
 * Jellyfin, Sonarr and Radarr as plain data, applied to a plan builder through
 * {@link io.backupkit.BackupPlan.Builder#apply(io.backupkit.PlanProfile)}.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder().apply(AppProfiles.plex()).destination("/mnt/nas/backups/plex").build();
 * }</pre>
 *
 * <p>Examples, not API: where each value comes from is in the module's README ("Profiles").
 */
package io.backupkit.examples.profiles;
