package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.examples.config.BackupPlans;
import io.backupkit.examples.config.PlanConfig;
import io.backupkit.examples.profiles.AppProfile;
import io.backupkit.examples.profiles.AppProfiles;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

/**
 * {@code --profile NAME} and {@code --config FILE}: the settings applied before the other options, which win over
 * them (lists such as {@code --exclude} add to them; {@code --service} and the retention options replace theirs).
 *
 * <pre>{@code
 * $ backupkit backup --profile jellyfin --dest /mnt/backup/jellyfin
 * $ backupkit backup --config backup-examples/config/plex-linux.json --keep 3
 * }</pre>
 */
final class ProfileOptions {

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Apply an application's profile first: plex, emby, jellyfin, sonarr or radarr (its data "
                    + "folder when found, its excludes and split folders).")
    String profile;

    @Option(names = "--profile-service",
            description = "With --profile: also stop and start the profile's service for this system (unless "
                    + "--service is given).")
    boolean profileService;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Read the plan from a JSON file (keys as the builder's names); the other options "
                    + "override it.")
    Path config;

    /**
     * @param b the builder, still empty
     * @param spec the command, for usage errors
     * @param ownServices whether the command line gives services (then the profile's and the file's are left out)
     * @param ownRetention whether the command line gives a retention policy (then the file's is left out)
     * @return what was applied, to tell whether a source and a destination were given
     * @throws ParameterException for an unknown profile or a bad file
     */
    Applied apply(BackupPlan.Builder b, CommandSpec spec, boolean ownServices, boolean ownRetention) {
        if (profileService && profile == null) {
            throw new ParameterException(spec.commandLine(), "--profile-service needs --profile NAME");
        }
        AppProfile app = null;
        if (profile != null) {
            app = AppProfiles.byId(profile).orElseThrow(() -> new ParameterException(spec.commandLine(),
                    "--profile must be one of " + String.join(", ", AppProfiles.IDS) + ", was '" + profile + "'"));
            app = app.withServices(profileService && !ownServices);
        }
        PlanConfig file = null;
        if (config != null) {
            try {
                file = BackupPlans.load(config);
            } catch (InvalidPlanException e) {
                throw new ParameterException(spec.commandLine(), "--config " + String.join("; ", e.problems()));
            }
        }
        Set<String> skip = new HashSet<>();
        if (ownServices) {
            skip.add("services");
        }
        if (ownRetention) {
            skip.addAll(PlanConfig.RETENTION_KEYS);
        }
        try {
            if (app != null) {
                skip.add("profile");
                b.apply(app);
            }
            if (file != null) {
                file.applyTo(b, skip);
            }
        } catch (InvalidPlanException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
        }
        // with --profile the file's profile is left out: only its own source key counts then
        boolean source = app != null && app.defaultSource().isPresent()
                || file != null && (file.keys().contains("source") || app == null && file.has("source"));
        boolean destination = file != null && file.has("destination");
        AppProfile used = app != null ? app : file != null ? file.profile().orElse(null) : null;
        return new Applied(source, destination, skip, used);
    }

    /**
     * @param source whether the profile or the file set the source
     * @param destination whether the file set the destination
     * @param skipped the keys of the file left out
     * @param app the profile applied: {@code --profile}'s, else the file's, else {@code null}
     */
    record Applied(boolean source, boolean destination, Collection<String> skipped, AppProfile app) {

        /** @return the profile applied, if any */
        Optional<AppProfile> profile() {
            return Optional.ofNullable(app);
        }
    }
}
