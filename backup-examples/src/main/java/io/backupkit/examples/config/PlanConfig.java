package io.backupkit.examples.config;

import io.backupkit.BackupPlan;
import io.backupkit.examples.profiles.AppProfile;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A configuration file read and checked by {@link BackupPlans#load(Path)}: immutable, every value already checked,
 * ready to be applied to a builder, the profile first, then the other keys in the file's order.
 *
 * <pre>{@code
 * PlanConfig config = BackupPlans.load(Path.of("plex-linux.json"));
 * BackupPlan.Builder b = config.builder(Set.of("services"));   // the caller sets the services itself
 * }</pre>
 */
public final class PlanConfig {

    /** The retention keys: they make one policy together (a union), and skipping any of them skips them all. */
    public static final List<String> RETENTION_KEYS = List.of("keep", "keepDaily", "keepWeekly", "keepMonthly",
            "keepYearly", "keepWithin", "maxTotalSize");

    private final Path file;
    private final AppProfile profile;
    private final Map<String, Consumer<BackupPlan.Builder>> settings;

    PlanConfig(Path file, AppProfile profile, Map<String, Consumer<BackupPlan.Builder>> settings) {
        this.file = file;
        this.profile = profile;
        this.settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(settings));
    }

    /** @return the file it was read from */
    public Path file() {
        return file;
    }

    /** @return the keys the file sets, {@code profile} first, each retention key on its own */
    public Set<String> keys() {
        return settings.keySet();
    }

    /**
     * @param key a key, e.g. {@code "source"}
     * @return whether the file sets it (for {@code source}: or its profile found the app's data folder)
     */
    public boolean has(String key) {
        if ("source".equals(key) && profile != null && profile.defaultSource().isPresent()) {
            return true;
        }
        return settings.containsKey(key);
    }

    /** @return the file's profile, as it is applied (optional excludes, services, platform) */
    public Optional<AppProfile> profile() {
        return Optional.ofNullable(profile);
    }

    /** @return a new builder with every setting of the file */
    public BackupPlan.Builder builder() {
        return builder(Set.of());
    }

    /**
     * @param skip keys the caller sets itself, left out: {@code "profile"}, {@code "services"} (also leaves out the
     *        profile's service), any of {@link #RETENTION_KEYS} (leaves out the whole retention)
     * @return a new builder with the other settings of the file
     */
    public BackupPlan.Builder builder(Collection<String> skip) {
        BackupPlan.Builder b = BackupPlan.builder();
        applyTo(b, skip);
        return b;
    }

    /**
     * @param b the builder to apply the settings to
     * @param skip keys to leave out, as for {@link #builder(Collection)}
     */
    public void applyTo(BackupPlan.Builder b, Collection<String> skip) {
        boolean skipRetention = RETENTION_KEYS.stream().anyMatch(skip::contains);
        for (Map.Entry<String, Consumer<BackupPlan.Builder>> e : settings.entrySet()) {
            String key = e.getKey();
            if (skip.contains(key) || skipRetention && RETENTION_KEYS.contains(key)) {
                continue;
            }
            if (key.equals("profile")) {
                boolean ownServices = skip.contains("services") || settings.containsKey("services");
                b.apply(ownServices ? profile.withServices(false) : profile);
            } else {
                e.getValue().accept(b);
            }
        }
    }

    @Override
    public String toString() {
        return "PlanConfig[" + file + ", keys " + keys() + "]";
    }
}
