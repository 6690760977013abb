package io.backupkit;

/**
 * A reusable set of builder settings, such as the data folder, exclusions and service of one application, applied
 * to a builder with {@link BackupPlan.Builder#apply(PlanProfile)}. Core ships none: application profiles live
 * outside it (the {@code backup-examples} module has Plex, Emby, Jellyfin, Sonarr and Radarr).
 *
 * <pre>{@code
 * PlanProfile jellyfin = b -> b.exclude("log/**", "cache/**", "transcodes/**");
 * BackupPlan plan = BackupPlan.builder()
 *     .apply(jellyfin)
 *     .source("/srv/jellyfin/config")
 *     .destination("/mnt/backup/jellyfin")
 *     .build();
 * }</pre>
 *
 * <p>A profile calls the builder's ordinary methods, so what is set after it wins: single values (source,
 * archiver, workers, ...) are replaced, lists (excludes, special and split folders, services, hooks, notifiers) are
 * added to.
 */
@FunctionalInterface
public interface PlanProfile {

    /**
     * @param builder the builder to set up; the profile calls its methods and keeps no reference to it
     * @throws InvalidPlanException when a setting of the profile is invalid
     */
    void applyTo(BackupPlan.Builder builder);
}
