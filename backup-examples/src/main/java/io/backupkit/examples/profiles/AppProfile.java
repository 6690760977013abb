package io.backupkit.examples.profiles;

import io.backupkit.BackupPlan;
import io.backupkit.CommandServiceController;
import io.backupkit.InvalidPlanException;
import io.backupkit.Inventory;
import io.backupkit.PlanProfile;
import io.backupkit.RestoreStep;
import io.backupkit.ServiceControllers;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One application's backup settings as plain data: its data folder per platform, what to leave out, which folders
 * to split, its SQLite databases, its service per platform, where its identity lives and how its version is read.
 * Immutable; the {@code with...}/{@code on...} methods return changed copies. Applied to a builder it sets the
 * source (when a data folder is found), the excludes, special and split folders and, when asked with
 * {@link #withServices(boolean)}, the service of the platform found.
 *
 * <pre>{@code
 * AppProfile plex = AppProfiles.plex();
 * plex.defaultSource();                      // Optional[/var/lib/plexmediaserver/Library/Application Support/...]
 * BackupPlan plan = BackupPlan.builder()
 *     .apply(plex.withOptionalExcludes(true).withServices(true))   // also **}{@code /*.bif; stops plexmediaserver
 *     .destination("/mnt/nas/backups/plex")
 *     .build();
 * }</pre>
 *
 * <p>Applying the profile marks its {@link #databases()} on the builder, so they are captured through SQLite's
 * online backup (with {@code io.backupkit:backup-sqlite} on the class path, as in the CLI jar) instead of copied raw,
 * and registers its {@link #plugins()} as the inventory {@value #PLUGINS}, so a restore says which plugins the
 * target lacks. For a restore it also offers {@link #keepIdentity()} (restore as an additional server) and
 * {@link #defaultOwner()} (the user its service runs as).
 */
public final class AppProfile implements PlanProfile {

    /** The name of the plugin inventory a profile registers ({@code BackupPlan.Builder.inventory}). */
    public static final String PLUGINS = "plugins";

    private static final Pattern VAR = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private final String id;
    private final String displayName;
    private final Map<Platform, List<String>> dataFolders;
    private final List<String> excludes;
    private final List<String> optionalExcludes;
    private final List<String> special;
    private final List<String> split;
    private final List<String> databases;
    private final Map<Platform, String> services;
    private final Map<Platform, List<String>> versionCommands;
    private final List<String> identity;
    private final List<IdentityItem> identityItems;
    private final Map<Platform, String> owners;
    private final Inventory plugins;
    private final List<String> notes;
    private final LibraryLayout library;
    // how it is applied
    private final boolean optionalExcluded;
    private final boolean applyServices;
    private final Platform pinned;
    private final List<Platform> hostPlatforms;
    private final Map<String, String> env;

    private AppProfile(Data d, boolean optionalExcluded, boolean applyServices, Platform pinned,
                       List<Platform> hostPlatforms, Map<String, String> env) {
        this.id = d.id;
        this.displayName = d.displayName;
        this.dataFolders = copy(d.dataFolders);
        this.excludes = List.copyOf(d.excludes);
        this.optionalExcludes = List.copyOf(d.optionalExcludes);
        this.special = List.copyOf(d.special);
        this.split = List.copyOf(d.split);
        this.databases = List.copyOf(d.databases);
        this.services = Map.copyOf(d.services);
        this.versionCommands = copy(d.versionCommands);
        this.identity = List.copyOf(d.identity);
        this.identityItems = List.copyOf(d.identityItems);
        this.owners = Map.copyOf(d.owners);
        this.plugins = d.plugins;
        this.notes = List.copyOf(d.notes);
        this.library = d.library;
        this.optionalExcluded = optionalExcluded;
        this.applyServices = applyServices;
        this.pinned = pinned;
        this.hostPlatforms = List.copyOf(hostPlatforms);
        this.env = Map.copyOf(env);
    }

    static AppProfile of(Data d) {
        return new AppProfile(d, false, false, null, Platform.current(), System.getenv());
    }

    private Data data() {
        Data d = new Data(id, displayName);
        d.dataFolders.putAll(dataFolders);
        d.excludes.addAll(excludes);
        d.optionalExcludes.addAll(optionalExcludes);
        d.special.addAll(special);
        d.split.addAll(split);
        d.databases.addAll(databases);
        d.services.putAll(services);
        d.versionCommands.putAll(versionCommands);
        d.identity.addAll(identity);
        d.identityItems.addAll(identityItems);
        d.owners.putAll(owners);
        d.plugins = plugins;
        d.notes.addAll(notes);
        d.library = library;
        return d;
    }

    /** @return the profile's id as the command line and configuration files name it: {@code plex}, {@code emby}... */
    public String id() {
        return id;
    }

    /** @return the application's name, e.g. {@code Plex Media Server} */
    public String displayName() {
        return displayName;
    }

    /**
     * @param platform a platform
     * @return the data folders the application uses there, most likely first, as templates: {@code ${VAR}} is an
     *         environment variable, a leading {@code ~} the home folder; empty when the profile knows none
     */
    public List<String> dataFolders(Platform platform) {
        return dataFolders.getOrDefault(Objects.requireNonNull(platform, "platform"), List.of());
    }

    /**
     * @return the data folders to look for on this host (the pinned platform's, else every platform's of the
     *         running operating system, in order), resolved; a template naming an unset variable is left out
     */
    public List<Path> candidates() {
        List<Path> result = new ArrayList<>();
        for (Platform p : platforms()) {
            for (String template : dataFolders(p)) {
                resolve(template).ifPresent(result::add);
            }
        }
        return result;
    }

    /** @return the first of {@link #candidates()} that is a folder, or empty when none is */
    public Optional<Path> defaultSource() {
        return candidates().stream().filter(Files::isDirectory).findFirst();
    }

    /**
     * @return the platform the profile applies: the pinned one ({@link #onPlatform(Platform)}), else the one whose
     *         data folder was found, else the usual one of the running operating system
     */
    public Platform platform() {
        if (pinned != null) {
            return pinned;
        }
        for (Platform p : hostPlatforms) {
            for (String template : dataFolders(p)) {
                if (resolve(template).filter(Files::isDirectory).isPresent()) {
                    return p;
                }
            }
        }
        return hostPlatforms.get(0);
    }

    /** @return the globs always left out (logs, caches, crash reports, updates, transcoder temporary files) */
    public List<String> excludes() {
        return excludes;
    }

    /** @return globs left out only with {@link #withOptionalExcludes(boolean)}: data the app can rebuild, slowly */
    public List<String> optionalExcludes() {
        return optionalExcludes;
    }

    /** @return what applying the profile excludes: {@link #excludes()}, plus the optional ones when asked */
    public List<String> appliedExcludes() {
        if (!optionalExcluded) {
            return excludes;
        }
        List<String> all = new ArrayList<>(excludes);
        all.addAll(optionalExcludes);
        return List.copyOf(all);
    }

    /** @return folders copied as plain files instead of archived */
    public List<String> special() {
        return special;
    }

    /** @return top-level folders written as one unit per sub-folder */
    public List<String> split() {
        return split;
    }

    /**
     * @return the application's SQLite databases as source-relative globs; applying the profile marks them with
     *         {@code database(...)}
     */
    public List<String> databases() {
        return databases;
    }

    /**
     * @param platform a platform
     * @return the service controller spec there, for {@link ServiceControllers#parse(String)}
     *         ({@code systemd:plexmediaserver}, {@code docker:plex}, ...), or empty when the profile knows none
     */
    public Optional<String> service(Platform platform) {
        return Optional.ofNullable(services.get(Objects.requireNonNull(platform, "platform")));
    }

    /** @return the service controller spec of {@link #platform()}, or empty */
    public Optional<String> service() {
        return service(platform());
    }

    /**
     * @param platform a platform
     * @return the command (an argument vector, no shell unless it starts with {@code sh -c}) printing the
     *         application's version there, or empty when the profile knows none
     */
    public Optional<List<String>> versionCommand(Platform platform) {
        return Optional.ofNullable(versionCommands.get(Objects.requireNonNull(platform, "platform")));
    }

    /** @return where the server's identity lives (files and the attributes or keys in them), as text */
    public List<String> identity() {
        return identity;
    }

    /**
     * @return where the server's identity lives, as data: whole files, attributes of an XML file's root element,
     *         child elements of it; what {@link #keepIdentity()} keeps
     */
    public List<IdentityItem> identityItems() {
        return identityItems;
    }

    /**
     * A restore step that restores "as an additional server": the target keeps its own identity
     * ({@link #identityItems()}), and where the target has none (a fresh folder) the snapshot's is left out, so the
     * application makes a new one at its first start. Only the extracted files are changed; the rest of an XML file
     * stays byte for byte. Files a partial restore does not restore are left alone. A target or snapshot file that
     * is not well-formed XML fails the restore, naming it; the target is then untouched. Without it a restore
     * brings the old server's identity back, which is right when it replaces that server.
     *
     * <pre>{@code
     * plan.restore(RestoreRequest.latest().target(newServer).step(AppProfiles.plex().keepIdentity()));
     * }</pre>
     *
     * @return the step; what it kept or removed is in {@code RestoreResult.notes()}
     */
    public RestoreStep keepIdentity() {
        return new IdentityKeeper(displayName, identityItems);
    }

    /**
     * @param platform a platform
     * @return the {@code USER[:GROUP]} the application's service runs as there (the owner its restored files need),
     *         or empty when the profile knows none (Docker images run as the container's PUID/PGID, Windows and
     *         macOS keep the installing user)
     */
    public Optional<String> defaultOwner(Platform platform) {
        return Optional.ofNullable(owners.get(Objects.requireNonNull(platform, "platform")));
    }

    /** @return the default owner on {@link #platform()}, or empty */
    public Optional<String> defaultOwner() {
        return defaultOwner(platform());
    }

    /**
     * @return how the installed plugins are listed from the data folder; applying the profile registers it as the
     *         inventory {@value #PLUGINS}. Empty when the profile knows no plugin folder
     */
    public Optional<Inventory> plugins() {
        return Optional.ofNullable(plugins);
    }

    /** @return what a user should know when backing this application up, as text */
    public List<String> notes() {
        return notes;
    }

    /**
     * @return whether {@link #remap(PathRemap)} knows where this application keeps its media paths: {@code true} for
     *         Plex, Emby and Jellyfin
     */
    public boolean remapsPaths() {
        return library != null;
    }

    /**
     * A restore step that rewrites the application's media paths in the restored files, for a machine where the
     * media lives elsewhere: the library folders of its library definitions and the paths in its library database
     * (which files, tables and columns: the module's README, "Restore onto other media paths"). It works on the
     * extracted files only; files a partial restore leaves out are skipped. It notes what it changed
     * ({@code remapped 3 library paths in 2 options.xml, 2 .mblink files, 41250 database rows}) and warns about each
     * pair that matched nothing. Each database is changed in one transaction; XML files keep every other byte.
     * Malformed XML or a database that cannot be opened fails the step naming the file, and with it the restore,
     * leaving the target untouched.
     *
     * <pre>{@code
     * plan.restore(RestoreRequest.latest().target("/var/lib/jellyfin")
     *     .step(AppProfiles.jellyfin().remap(PathRemap.parse("D:\\Media=/mnt/media"))));
     * }</pre>
     *
     * @param remap the folder pairs
     * @return the step
     * @throws InvalidPlanException if the profile does not know its application's media paths
     *         ({@link #remapsPaths()} is false), naming the profiles that do
     */
    public RestoreStep remap(PathRemap remap) {
        Objects.requireNonNull(remap, "remap");
        if (library == null) {
            throw new InvalidPlanException(List.of("profile '" + id + "' cannot remap media paths; plex, emby and "
                    + "jellyfin can"));
        }
        return new LibraryRemap(id, library, remap);
    }

    /**
     * @param pairs {@code OLD} to {@code NEW} folders, as {@link PathRemap#of(Map)}
     * @return {@link #remap(PathRemap)} of them
     * @throws InvalidPlanException for a bad pair (see {@link PathRemap#parse(String...)}), or a profile that cannot
     *         remap
     */
    public RestoreStep remap(Map<String, String> pairs) {
        return remap(PathRemap.of(pairs));
    }

    /** @return whether applying the profile also excludes {@link #optionalExcludes()} */
    public boolean optionalExcluded() {
        return optionalExcluded;
    }

    /** @return whether applying the profile adds the service of {@link #platform()} */
    public boolean appliesServices() {
        return applyServices;
    }

    /**
     * @param exclude {@code true} to leave out {@link #optionalExcludes()} too (Plex's {@code **}{@code /*.bif}
     *        video preview thumbnails, Emby's and Jellyfin's {@code metadata}, the *arr apps' {@code MediaCover}).
     *        Default {@code false}
     * @return a changed copy
     */
    public AppProfile withOptionalExcludes(boolean exclude) {
        return new AppProfile(data(), exclude, applyServices, pinned, hostPlatforms, env);
    }

    /**
     * @param apply {@code true} to add the service of {@link #platform()} (with its version command) when applied,
     *        so the application is stopped while it is backed up. Default {@code false}
     * @return a changed copy
     */
    public AppProfile withServices(boolean apply) {
        return new AppProfile(data(), optionalExcluded, apply, pinned, hostPlatforms, env);
    }

    /**
     * @param platform the platform to use, whatever is found on this host (e.g. {@link Platform#DOCKER} for a
     *        container whose volume is given as the source)
     * @return a changed copy
     */
    public AppProfile onPlatform(Platform platform) {
        return new AppProfile(data(), optionalExcluded, applyServices, Objects.requireNonNull(platform, "platform"),
                hostPlatforms, env);
    }

    /**
     * @param platforms the platforms to look on, in order (default {@link Platform#current()})
     * @param environment the environment variables templates are resolved with (default {@link System#getenv()})
     * @return a changed copy, looking for the data folder there
     */
    public AppProfile onHost(List<Platform> platforms, Map<String, String> environment) {
        if (platforms == null || platforms.isEmpty()) {
            throw new IllegalArgumentException("platforms must not be empty, was " + platforms);
        }
        return new AppProfile(data(), optionalExcluded, applyServices, pinned, platforms,
                Objects.requireNonNull(environment, "environment"));
    }

    /**
     * Sets the source to {@link #defaultSource()} when one is found, adds {@link #appliedExcludes()},
     * {@link #special()}, {@link #split()} and {@link #databases()}, registers {@link #plugins()} as the inventory
     * {@value #PLUGINS}, and, with {@link #withServices(boolean)}, adds the service of {@link #platform()} with its
     * version command.
     *
     * @param builder the builder
     */
    @Override
    public void applyTo(BackupPlan.Builder builder) {
        defaultSource().ifPresent(builder::source);
        builder.exclude(appliedExcludes().toArray(String[]::new))
                .special(special.toArray(String[]::new))
                .split(split.toArray(String[]::new))
                .database(databases().toArray(String[]::new)); // captured consistently when backup-sqlite is there
        plugins().ifPresent(p -> builder.inventory(PLUGINS, p));
        if (applyServices) {
            Platform p = platform();
            service(p).ifPresent(spec -> {
                CommandServiceController c = ServiceControllers.parse(spec);
                Optional<List<String>> version = versionCommand(p);
                builder.service(version.isPresent() ? c.withVersionCommand(version.get()) : c);
            });
        }
    }

    @Override
    public String toString() {
        return "AppProfile[" + id + (optionalExcluded ? ", optional excludes" : "")
                + (applyServices ? ", services" : "") + (pinned == null ? "" : ", " + pinned) + "]";
    }

    private List<Platform> platforms() {
        return pinned != null ? List.of(pinned) : hostPlatforms;
    }

    private Optional<Path> resolve(String template) {
        String t = template;
        if (t.startsWith("~")) {
            t = "${HOME}" + t.substring(1);
        }
        Matcher m = VAR.matcher(t);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String value = env.get(m.group(1));
            if (value == null || value.isBlank()) {
                return Optional.empty();
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        try {
            return Optional.of(Path.of(sb.toString()));
        } catch (InvalidPathException e) {
            return Optional.empty();
        }
    }

    private static <V> Map<Platform, V> copy(Map<Platform, V> m) {
        Map<Platform, V> result = new EnumMap<>(Platform.class);
        m.forEach((k, v) -> result.put(k, v instanceof List<?> l ? castList(l) : v));
        return java.util.Collections.unmodifiableMap(result);
    }

    @SuppressWarnings("unchecked")
    private static <V> V castList(List<?> l) {
        return (V) List.copyOf(l);
    }

    /** The mutable description {@link AppProfiles} fills in. */
    static final class Data {
        final String id;
        final String displayName;
        final Map<Platform, List<String>> dataFolders = new EnumMap<>(Platform.class);
        final List<String> excludes = new ArrayList<>();
        final List<String> optionalExcludes = new ArrayList<>();
        final List<String> special = new ArrayList<>();
        final List<String> split = new ArrayList<>();
        final List<String> databases = new ArrayList<>();
        final Map<Platform, String> services = new EnumMap<>(Platform.class);
        final Map<Platform, List<String>> versionCommands = new EnumMap<>(Platform.class);
        final List<String> identity = new ArrayList<>();
        final List<IdentityItem> identityItems = new ArrayList<>();
        final Map<Platform, String> owners = new EnumMap<>(Platform.class);
        Inventory plugins;
        final List<String> notes = new ArrayList<>();
        LibraryLayout library;

        Data(String id, String displayName) {
            this.id = id;
            this.displayName = displayName;
        }

        Data folders(Platform p, String... templates) {
            dataFolders.put(p, List.of(templates));
            return this;
        }

        Data service(Platform p, String spec) {
            services.put(p, spec);
            return this;
        }

        Data version(Platform p, String... command) {
            versionCommands.put(p, List.of(command));
            return this;
        }

        Data owner(Platform p, String owner) {
            owners.put(p, owner);
            return this;
        }

        Data plugins(Inventory inventory) {
            plugins = inventory;
            return this;
        }
    }
}
