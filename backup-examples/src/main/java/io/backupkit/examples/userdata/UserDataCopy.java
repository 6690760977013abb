package io.backupkit.examples.userdata;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.RestoreRequest;
import io.backupkit.RestoreResult;
import io.backupkit.ServiceControlException;
import io.backupkit.VersionCheck;
import io.backupkit.spi.ServiceController;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Copies play state and favourites from users of a backup (a snapshot's {@code data/jellyfin.db}) to users of the
 * running Jellyfin server (its data folder's {@code data/jellyfin.db}), several pairs of users at once. Immutable;
 * {@link #run()} may be called again.
 *
 * <pre>{@code
 * UserDataReport preview = UserDataCopy.builder()
 *     .destination("/mnt/backup/jellyfin")          // the backups, as BackupPlan.destination
 *     .snapshot("latest")                           // or an id such as "20261122T035800Z"
 *     .source("/var/lib/jellyfin")                  // the running server's data folder, as BackupPlan.source
 *     .map("alice=bob", "carol=dave")
 *     .service(ServiceControllers.systemd("jellyfin"))
 *     .dryRun(true)
 *     .build()
 *     .run();
 * preview.mappings().forEach(m -> System.out.println(m.summary()));
 * }</pre>
 *
 * <ol>
 *   <li>The snapshot's {@link #DEFAULT_DATABASE} is restored alone ({@code RestoreRequest.only}, which verifies the
 *       whole snapshot first) into a temporary folder and opened read-only; the folder is removed at the end.</li>
 *   <li>Users are found by name without regard to case, as Jellyfin finds them; a name missing on either side
 *       fails before anything is stopped or written ({@link UnknownUserException}), naming the users there are.</li>
 *   <li>The services are stopped (not in a dry run): Jellyfin keeps user data in memory and writes its own copy back
 *       when a user plays something, so a copy into a running server may be lost or not seen until a restart.</li>
 *   <li>The live database is opened with the write lock taken at once ({@code BEGIN IMMEDIATE}); a lock held by
 *       another connection for longer than {@link #DEFAULT_BUSY_TIMEOUT} fails with {@link DatabaseBusyException}.
 *       A copy of it is taken with SQLite's online backup API while the lock is held (so it is the database exactly
 *       as it was before the change) and kept beside it; every change is then written in that one transaction, and
 *       any failure rolls all of it back.</li>
 *   <li>The services stopped are started again, also after a failure.</li>
 * </ol>
 *
 * <p>Each row of the backup user is matched to the live item with the same {@code ItemId} (when {@code BaseItems}
 * has it), else to the one live item whose rows (any user's) carry the same {@code CustomDataKey}; a row that finds
 * none, or several, is not copied and is listed in {@link UserMappingReport#unmatchedItems()}. Values are merged
 * ({@link MergeRule}: played or count from either side, the later last-played date, the position of the side
 * played last) or, with {@link Builder#overwrite(boolean)}, replaced.
 */
public final class UserDataCopy {

    /** The Jellyfin database, relative to the data folder (10.11 and later). */
    public static final String DEFAULT_DATABASE = "data/jellyfin.db";

    /** How long the copy waits for a lock another connection holds on the live database. */
    public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

    /** The snapshot name that means the newest complete snapshot. */
    public static final String LATEST = "latest";

    private static final Logger LOG = LoggerFactory.getLogger(UserDataCopy.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'", Locale.ROOT)
            .withZone(ZoneOffset.UTC);
    private static final Duration POLL = Duration.ofMillis(100);

    private final Path destination;
    private final Path source;
    private final String snapshot;
    private final List<UserMapping> mappings;
    private final boolean overwrite;
    private final boolean dryRun;
    private final List<ServiceController> services;
    private final Duration stopTimeout;
    private final Duration busyTimeout;
    private final String database;
    private final Path safetyCopyFolder;
    private final Path staging;
    private final ClassLoader classLoader;

    private UserDataCopy(Builder b) {
        this.destination = b.destination;
        this.source = b.source;
        this.snapshot = b.snapshot;
        this.mappings = List.copyOf(b.mappings);
        this.overwrite = b.overwrite;
        this.dryRun = b.dryRun;
        this.services = List.copyOf(b.services);
        this.stopTimeout = b.stopTimeout;
        this.busyTimeout = b.busyTimeout;
        this.database = b.database;
        this.safetyCopyFolder = b.safetyCopyFolder;
        this.staging = b.staging;
        this.classLoader = b.classLoader;
    }

    /** @return a new builder with every default */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the folder holding the snapshots */
    public Path destination() {
        return destination;
    }

    /** @return the running server's data folder */
    public Path source() {
        return source;
    }

    /** @return the snapshot id, or {@link #LATEST} */
    public String snapshot() {
        return snapshot;
    }

    /** @return the pairs of users, in order */
    public List<UserMapping> mappings() {
        return mappings;
    }

    /** @return whether the target's values are replaced instead of merged */
    public boolean overwrite() {
        return overwrite;
    }

    /** @return whether nothing is written */
    public boolean dryRun() {
        return dryRun;
    }

    /** @return the services stopped around the write */
    public List<ServiceController> services() {
        return services;
    }

    /** @return the live database file */
    public Path liveDatabase() {
        return source.resolve(database);
    }

    /**
     * Copies (or, in a dry run, works out) every mapping.
     *
     * @return what was done, or would be
     * @throws UnknownUserException if a user of a mapping is not in the backup or not on the server
     * @throws DatabaseBusyException if the live database stayed locked beyond the busy timeout; nothing changed
     * @throws io.backupkit.SnapshotNotFoundException if there is no such complete snapshot
     * @throws io.backupkit.CorruptSnapshotException if the snapshot fails verification
     * @throws BackupException naming the database or service at fault; any change is rolled back
     */
    public UserDataReport run() {
        Instant start = Instant.now();
        Path live = liveDatabase();
        if (!Files.isRegularFile(live, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException("There is no Jellyfin database at " + live + " (the running server's data "
                    + "folder " + source + " should hold " + database + ")");
        }
        List<String> warnings = new ArrayList<>();
        Path work = createWork();
        try {
            Backup backup = readBackup(work);
            Map<String, JellyfinDatabase.User> targets;
            try (JellyfinDatabase db = JellyfinDatabase.open(live, true, busyTimeout, "the server's database")) {
                db.checkSchema();
                targets = resolve(mappings.stream().map(UserMapping::to).toList(), db.users(), backup);
            }
            if (dryRun) {
                try (JellyfinDatabase db = JellyfinDatabase.open(live, true, busyTimeout, "the server's database")) {
                    List<UserMappingReport> reports = plan(backup, db, targets).stream().map(p -> p.report).toList();
                    return new UserDataReport(backup.snapshotId, live, true, overwrite, null, reports, List.of(),
                            warnings, Duration.between(start, Instant.now()));
                }
            }
            if (services.isEmpty()) {
                warnings.add("No service was stopped: Jellyfin keeps user data in memory and writes its own copy "
                        + "back when someone plays an item, so restart Jellyfin now (or stop it around the copy with a "
                        + "service) to see the copied values and keep them");
            }
            List<ServiceController> stopped = new ArrayList<>();
            try {
                stopAll(stopped);
                Written w = write(backup, live, targets);
                return new UserDataReport(backup.snapshotId, live, false, overwrite, w.safetyCopy, w.reports,
                        stopped.stream().map(ServiceController::id).toList(), warnings,
                        Duration.between(start, Instant.now()));
            } finally {
                List<String> notStarted = startAll(stopped);
                warnings.addAll(notStarted);
            }
        } finally {
            deleteWork(work);
        }
    }

    /** The backup's side: its users and the rows of each source user. */
    private record Backup(String snapshotId, Map<String, JellyfinDatabase.User> users,
                          List<JellyfinDatabase.User> all, Map<String, List<JellyfinDatabase.Row>> rows,
                          Map<String, String> names) {
    }

    private Backup readBackup(Path work) {
        Path into = work.resolve("snapshot");
        BackupPlan plan = BackupPlan.builder().destination(destination).classLoader(classLoader)
                .versionCheck(VersionCheck.IGNORE).build();
        RestoreRequest request = (LATEST.equals(snapshot) ? RestoreRequest.latest() : RestoreRequest.of(snapshot))
                .only(database).target(into);
        RestoreResult restored = plan.restore(request);
        String id = restored.snapshotId();
        Path file = into.resolve(database);
        LOG.info("Read {} of snapshot {} from {}", database, id, file);
        try (JellyfinDatabase db = JellyfinDatabase.open(file, true, busyTimeout,
                database + " of snapshot " + id + ", restored as")) {
            db.checkSchema();
            List<JellyfinDatabase.User> all = db.users();
            Map<String, JellyfinDatabase.User> users = resolveInBackup(id, all);
            Map<String, List<JellyfinDatabase.Row>> rows = new LinkedHashMap<>();
            Map<String, String> names = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            for (JellyfinDatabase.User u : users.values()) {
                List<JellyfinDatabase.Row> r = db.rows(u.id());
                rows.put(u.id(), r);
                for (JellyfinDatabase.Row row : r) {
                    if (!names.containsKey(row.itemId())) {
                        String n = db.name(row.itemId());
                        if (n != null) {
                            names.put(row.itemId(), n);
                        }
                    }
                }
            }
            return new Backup(id, users, all, rows, names);
        }
    }

    private Map<String, JellyfinDatabase.User> resolveInBackup(String id, List<JellyfinDatabase.User> all) {
        Map<String, JellyfinDatabase.User> out = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (UserMapping m : mappings) {
            Optional<JellyfinDatabase.User> u = find(all, m.from());
            if (u.isPresent()) {
                out.put(m.from().toLowerCase(Locale.ROOT), u.get());
            } else if (!unknown.contains(m.from())) {
                unknown.add(m.from());
            }
        }
        if (!unknown.isEmpty()) {
            List<String> names = all.stream().map(JellyfinDatabase.User::name).toList();
            throw new UnknownUserException((unknown.size() == 1 ? "User '" + unknown.get(0) + "' is"
                    : "Users '" + String.join("', '", unknown) + "' are") + " not in the backup (snapshot " + id
                    + "); its users are " + (names.isEmpty() ? "none" : String.join(", ", names))
                    + "; nothing was changed", unknown, names, List.of());
        }
        return out;
    }

    /** @return the target users by the lower-case name of the mapping */
    private Map<String, JellyfinDatabase.User> resolve(List<String> names, List<JellyfinDatabase.User> live,
                                                       Backup backup) {
        Map<String, JellyfinDatabase.User> out = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        for (String n : names) {
            Optional<JellyfinDatabase.User> u = find(live, n);
            if (u.isPresent()) {
                out.put(n.toLowerCase(Locale.ROOT), u.get());
            } else if (!unknown.contains(n)) {
                unknown.add(n);
            }
        }
        if (!unknown.isEmpty()) {
            List<String> there = live.stream().map(JellyfinDatabase.User::name).toList();
            throw new UnknownUserException((unknown.size() == 1 ? "User '" + unknown.get(0) + "' is"
                    : "Users '" + String.join("', '", unknown) + "' are") + " not on the running server ("
                    + liveDatabase() + "); its users are " + (there.isEmpty() ? "none" : String.join(", ", there))
                    + "; nothing was changed", unknown,
                    backup.all.stream().map(JellyfinDatabase.User::name).toList(), there);
        }
        return out;
    }

    private static Optional<JellyfinDatabase.User> find(List<JellyfinDatabase.User> users, String name) {
        List<JellyfinDatabase.User> found = users.stream().filter(u -> u.name() != null
                && u.name().equalsIgnoreCase(name)).toList();
        if (found.size() > 1) {
            // Jellyfin refuses to create a second user whose name differs only in case; pick the exact spelling
            return found.stream().filter(u -> u.name().equals(name)).findFirst().or(() -> Optional.of(found.get(0)));
        }
        return found.stream().findFirst();
    }

    /** What one mapping will write. */
    private record Planned(UserMappingReport report, List<Write> writes) {
    }

    /** One row to add or change on the server. */
    private record Write(String itemId, String userId, String key, PlayState state, boolean insert,
                         String fromItemId) {
    }

    /** One live row the backup lands on, with the backup's values for it (merged when several rows land there). */
    private static final class Target {
        final String liveItemId;
        final String key;
        String backupItemId;
        PlayState backup;

        Target(String liveItemId, String key) {
            this.liveItemId = liveItemId;
            this.key = key;
        }
    }

    private List<Planned> plan(Backup backup, JellyfinDatabase db, Map<String, JellyfinDatabase.User> targets) {
        List<Planned> out = new ArrayList<>();
        for (UserMapping m : mappings) {
            JellyfinDatabase.User from = backup.users.get(m.from().toLowerCase(Locale.ROOT));
            JellyfinDatabase.User to = targets.get(m.to().toLowerCase(Locale.ROOT));
            List<JellyfinDatabase.Row> rows = backup.rows.get(from.id());
            // the target's own rows: attached ones by item and key, detached ones (placeholder item) by key
            Map<String, JellyfinDatabase.Row> attached = new LinkedHashMap<>();
            Map<String, JellyfinDatabase.Row> detached = new LinkedHashMap<>();
            for (JellyfinDatabase.Row r : db.rows(to.id())) {
                if (r.itemId().equalsIgnoreCase(JellyfinDatabase.PLACEHOLDER_ITEM_ID)) {
                    detached.putIfAbsent(r.key(), r);
                } else {
                    attached.put(r.itemId().toUpperCase(Locale.ROOT) + '\0' + r.key(), r);
                }
            }
            Map<String, Optional<String>> byId = new LinkedHashMap<>();
            Set<String> keysToFind = new HashSet<>();
            for (JellyfinDatabase.Row r : rows) {
                Optional<String> live = byId.computeIfAbsent(r.itemId().toUpperCase(Locale.ROOT),
                        k -> db.item(r.itemId()));
                if (live.isEmpty()) {
                    keysToFind.add(r.key());
                }
            }
            Map<String, Set<String>> byKey = db.itemsByKey(keysToFind);
            Map<String, Target> landing = new LinkedHashMap<>();
            List<UnmatchedUserData> unmatched = new ArrayList<>();
            int unchanged = 0;
            for (JellyfinDatabase.Row r : rows) {
                Optional<String> live = byId.get(r.itemId().toUpperCase(Locale.ROOT));
                String liveItem;
                if (live.isPresent()) {
                    liveItem = live.get();
                } else {
                    Set<String> candidates = byKey.getOrDefault(r.key(), Set.of());
                    if (candidates.size() != 1) {
                        if (r.state().isEmpty()) {
                            unchanged++;   // nothing to copy: not worth listing as unmatched
                            continue;
                        }
                        unmatched.add(new UnmatchedUserData(r.itemId(), r.key(), backup.names.get(r.itemId()),
                                r.state(), candidates.isEmpty()
                                ? "no item with this id on the server, and no row there with this key"
                                : "the key belongs to " + candidates.size() + " items on the server ("
                                + String.join(", ", candidates) + "), so it is not clear which one"));
                        continue;
                    }
                    liveItem = candidates.iterator().next();
                }
                Target t = landing.computeIfAbsent(liveItem.toUpperCase(Locale.ROOT) + '\0' + r.key(),
                        k -> new Target(liveItem, r.key()));
                if (t.backup == null) {
                    t.backup = r.state();
                    t.backupItemId = r.itemId();
                } else {
                    t.backup = MergeRule.merge(t.backup, r.state());   // several backup rows on one live row
                }
            }
            int copied = 0;
            int changed = 0;
            List<UserDataChange> changes = new ArrayList<>();
            List<Write> writes = new ArrayList<>();
            for (Target t : landing.values()) {
                JellyfinDatabase.Row existing = attached.get(t.liveItemId.toUpperCase(Locale.ROOT) + '\0' + t.key);
                boolean reattach = false;
                if (existing == null && detached.containsKey(t.key)) {
                    existing = detached.remove(t.key);   // one detached row goes back to one item only
                    reattach = true;
                }
                String name = Optional.ofNullable(db.name(t.liveItemId)).orElse(backup.names.get(t.backupItemId));
                if (existing == null) {
                    if (t.backup.isEmpty()) {
                        unchanged++;
                        continue;
                    }
                    copied++;
                    changes.add(new UserDataChange(UserDataChange.Kind.COPIED, t.liveItemId, t.key, name, null,
                            t.backup, false));
                    writes.add(new Write(t.liveItemId, to.id(), t.key, t.backup, true, null));
                    continue;
                }
                PlayState after = MergeRule.apply(existing.state(), t.backup, overwrite);
                if (after.equals(existing.state()) && !reattach) {
                    unchanged++;
                    continue;
                }
                changed++;
                changes.add(new UserDataChange(UserDataChange.Kind.CHANGED, t.liveItemId, t.key, name,
                        existing.state(), after, reattach));
                writes.add(new Write(existing.itemId(), to.id(), t.key, after, false,
                        reattach ? t.liveItemId : null));
            }
            changes.sort(Comparator.comparing((UserDataChange c) -> c.item() == null ? "\uffff" + c.itemId()
                    : c.item(), String.CASE_INSENSITIVE_ORDER).thenComparing(UserDataChange::key));
            unmatched.sort(Comparator.comparing((UnmatchedUserData u) -> u.item() == null ? "\uffff" + u.itemId()
                    : u.item(), String.CASE_INSENSITIVE_ORDER).thenComparing(UnmatchedUserData::key));
            out.add(new Planned(new UserMappingReport(from.name(), to.name(), from.id(), to.id(), copied, changed,
                    unchanged, unmatched.size(), changes, unmatched), writes));
        }
        return out;
    }

    private record Written(Path safetyCopy, List<UserMappingReport> reports) {
    }

    private Written write(Backup backup, Path live, Map<String, JellyfinDatabase.User> names) {
        try (JellyfinDatabase db = JellyfinDatabase.open(live, false, busyTimeout, "the server's database")) {
            try {
                db.begin();
            } catch (SQLException e) {
                throw busyOr(e, live, "taking the write lock");
            }
            Path copy = null;
            try {
                db.checkSchema();
                // the users again, now that the lock is held: the names were checked before the services stopped
                Map<String, JellyfinDatabase.User> targets = resolve(
                        mappings.stream().map(UserMapping::to).toList(), db.users(), backup);
                List<Planned> planned = plan(backup, db, targets);
                List<Write> writes = planned.stream().flatMap(p -> p.writes.stream()).toList();
                List<UserMappingReport> reports = planned.stream().map(p -> p.report).toList();
                if (writes.isEmpty()) {
                    db.rollbackQuietly();
                    LOG.info("Nothing to change in {}", live);
                    return new Written(null, reports);
                }
                if (writes.stream().anyMatch(Write::insert)) {
                    List<String> unfillable = db.unfillableColumns();
                    if (!unfillable.isEmpty()) {
                        throw new BackupException("Cannot add rows to UserData of " + live + ": its columns "
                                + String.join(", ", unfillable) + " need a value and have no default (a newer "
                                + "Jellyfin schema than this copy knows); nothing was changed");
                    }
                }
                copy = safetyCopy(db, live);
                for (Write w : writes) {
                    if (w.insert) {
                        db.insert(w.itemId, w.userId, w.key, w.state);
                    } else {
                        db.update(w.itemId, w.userId, w.key, w.state, w.fromItemId);
                    }
                }
                try {
                    db.commit();
                } catch (SQLException e) {
                    throw busyOr(e, live, "committing");
                }
                LOG.info("Copied user data into {}: {} rows written; the database before is kept at {}", live,
                        writes.size(), copy);
                return new Written(copy, reports);
            } catch (SQLException e) {
                db.rollbackQuietly();
                throw new BackupException("Copying user data into " + live + " failed and was rolled back, nothing "
                        + "was changed: " + e.getMessage() + (copy == null ? "" : "; the database before the "
                        + "attempt is also kept at " + copy), e);
            } catch (RuntimeException e) {
                db.rollbackQuietly();
                throw e;
            }
        }
    }

    private RuntimeException busyOr(SQLException e, Path live, String what) {
        if (JellyfinDatabase.isBusy(e)) {
            return new DatabaseBusyException(live, "The Jellyfin database " + live + " stayed locked by another "
                    + "connection (the running server?) for more than " + busyTimeout.toMillis() + " ms while "
                    + what + "; nothing was changed: stop Jellyfin (give a service to stop) or try again", e);
        }
        return new BackupException("Could not write to the Jellyfin database " + live + " (" + what + "): "
                + e.getMessage() + "; nothing was changed", e);
    }

    /** Copies the live database, write lock held, beside it (or into the safety-copy folder) and checks the copy. */
    private Path safetyCopy(JellyfinDatabase db, Path live) throws SQLException {
        Path folder = safetyCopyFolder != null ? safetyCopyFolder : live.toAbsolutePath().getParent();
        String base = live.getFileName() + ".before-user-data-copy-" + STAMP.format(Instant.now());
        Path copy = folder.resolve(base);
        for (int i = 1; Files.exists(copy, LinkOption.NOFOLLOW_LINKS); i++) {
            copy = folder.resolve(base + "-" + i);
        }
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new BackupException("Cannot create the folder " + folder + " for the copy of " + live
                    + " taken before the change; nothing was changed: " + e, e);
        }
        db.backupTo(copy, busyTimeout);
        restrictLike(live, copy);
        long rows = db.countRows();
        List<Path> companions = new ArrayList<>();
        for (String suffix : List.of("-wal", "-shm", "-journal")) {
            Path p = copy.resolveSibling(copy.getFileName() + suffix);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                companions.add(p);
            }
        }
        try (JellyfinDatabase c = JellyfinDatabase.open(copy, true, busyTimeout, "the copy taken before the change")) {
            long copied = c.countRows();
            if (copied != rows) {
                throw new BackupException("The copy " + copy + " of " + live + " holds " + copied + " rows of "
                        + "UserData, the database " + rows + "; nothing was changed");
            }
        } finally {
            for (Path p : companions) {   // left by reading the copy (a WAL database, as the original)
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    LOG.warn("Could not remove {}: {}", p, e.toString());
                }
            }
        }
        LOG.info("Copied {} to {} before the change", live, copy);
        return copy;
    }

    /** Gives the copy the live database's POSIX permissions: it holds the same password hashes and tokens. */
    private static void restrictLike(Path live, Path copy) {
        PosixFileAttributeView from = Files.getFileAttributeView(live, PosixFileAttributeView.class);
        PosixFileAttributeView to = Files.getFileAttributeView(copy, PosixFileAttributeView.class);
        if (from == null || to == null) {
            return;
        }
        try {
            Set<PosixFilePermission> perms = from.readAttributes().permissions();
            to.setPermissions(perms);
        } catch (IOException e) {
            LOG.warn("Could not give {} the permissions of {}: {}", copy, live, e.toString());
        }
    }

    private void stopAll(List<ServiceController> stopped) {
        for (ServiceController s : services) {
            try {
                if (!s.isRunning()) {
                    LOG.info("Service {} is not running; it is left as it is", s.id());
                    continue;
                }
                LOG.info("Stopping service {} (timeout {})", s.id(), stopTimeout);
                stopped.add(s);   // half stopped is still started again
                s.stop(stopTimeout);
                long deadline = System.nanoTime() + stopTimeout.toNanos();
                while (s.isRunning()) {
                    if (System.nanoTime() - deadline > 0) {
                        throw new ServiceControlException(s.id(), "Service " + s.id() + " is still running "
                                + stopTimeout + " after it was asked to stop");
                    }
                    Thread.sleep(POLL.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException("Interrupted while stopping service " + s.id() + "; nothing was changed",
                        e);
            } catch (ServiceControlException e) {
                throw new ServiceControlException(e.controllerId(), e.getMessage() + "; nothing was changed",
                        e.command(), e.exitCode().isPresent() ? e.exitCode().getAsInt() : null, e);
            } catch (RuntimeException e) {
                throw new ServiceControlException(s.id(), "Service " + s.id() + " could not be stopped: "
                        + e.getMessage() + "; nothing was changed", List.of(), null, e);
            }
        }
    }

    private static List<String> startAll(List<ServiceController> stopped) {
        List<String> failures = new ArrayList<>();
        List<ServiceController> reversed = new ArrayList<>(stopped);
        Collections.reverse(reversed);
        for (ServiceController s : reversed) {
            try {
                LOG.info("Starting service {}", s.id());
                s.start();
            } catch (RuntimeException e) {
                failures.add("Service " + s.id() + " did not start again: " + e.getMessage() + "; start it by hand");
            }
        }
        return failures;
    }

    private Path createWork() {
        try {
            Path parent = staging != null ? Files.createDirectories(staging)
                    : Path.of(System.getProperty("java.io.tmpdir"));
            return Files.createTempDirectory(parent, "backupkit-userdata-");
        } catch (IOException e) {
            throw new BackupException("Cannot create a temporary folder for the backup's database in "
                    + (staging != null ? staging : System.getProperty("java.io.tmpdir")) + ": " + e, e);
        }
    }

    private static void deleteWork(Path work) {
        try {
            Files.walkFileTree(work, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            LOG.warn("Could not remove the temporary folder {}: {}", work, e.toString());
        }
    }

    @Override
    public String toString() {
        return "UserDataCopy[" + mappings + " from snapshot " + snapshot + " of " + destination + " into "
                + liveDatabase() + (overwrite ? ", overwrite" : ", merge") + (dryRun ? ", dry run" : "") + "]";
    }

    /**
     * Builds a {@link UserDataCopy}. Every setter rejects a bad value at once; {@link #build()} checks the
     * combination and reports every problem in one {@link InvalidPlanException}.
     */
    public static final class Builder {

        private Path destination;
        private Path source;
        private String snapshot = LATEST;
        private final List<UserMapping> mappings = new ArrayList<>();
        private boolean overwrite;
        private boolean dryRun;
        private final List<ServiceController> services = new ArrayList<>();
        private Duration stopTimeout = BackupPlan.Builder.DEFAULT_STOP_TIMEOUT;
        private Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
        private String database = DEFAULT_DATABASE;
        private Path safetyCopyFolder;
        private Path staging;
        private ClassLoader classLoader = UserDataCopy.class.getClassLoader();

        private Builder() {
        }

        /**
         * Takes a plan's destination, source (when it has one), services, stop timeout and class loader; settings
         * made afterwards win, services are added to.
         *
         * @param plan a plan for the Jellyfin data folder, e.g. built with {@code AppProfiles.jellyfin()}
         * @return this builder
         * @throws InvalidPlanException if {@code plan} is null
         */
        public Builder plan(BackupPlan plan) {
            if (plan == null) {
                throw new InvalidPlanException(List.of("plan must not be null"));
            }
            this.destination = plan.destination();
            if (plan.source() != null) {
                this.source = plan.source();
            }
            this.services.addAll(plan.services());
            this.stopTimeout = plan.stopTimeout();
            this.classLoader = plan.classLoader();
            return this;
        }

        /**
         * @param destination the folder holding the snapshots (a plan's destination). Required
         * @return this builder
         * @throws InvalidPlanException if it is null
         */
        public Builder destination(Path destination) {
            this.destination = requirePath(destination, "destination");
            return this;
        }

        /**
         * @param destination the folder holding the snapshots, as a string
         * @return this builder
         * @throws InvalidPlanException if it is null or not a path
         */
        public Builder destination(String destination) {
            return destination(toPath(destination, "destination"));
        }

        /**
         * @param source the running Jellyfin server's data folder (holding {@code data/jellyfin.db}), e.g.
         *        {@code /var/lib/jellyfin} or a container's {@code /config}. Required
         * @return this builder
         * @throws InvalidPlanException if it is null
         */
        public Builder source(Path source) {
            this.source = requirePath(source, "source");
            return this;
        }

        /**
         * @param source the running server's data folder, as a string
         * @return this builder
         * @throws InvalidPlanException if it is null or not a path
         */
        public Builder source(String source) {
            return source(toPath(source, "source"));
        }

        /**
         * @param id a complete snapshot's id, or {@link #LATEST} (any case) for the newest. Default {@link #LATEST}
         * @return this builder
         * @throws InvalidPlanException if it is null or blank
         */
        public Builder snapshot(String id) {
            if (id == null || id.isBlank()) {
                throw new InvalidPlanException(List.of("snapshot id must not be blank, was '" + id + "'"));
            }
            this.snapshot = id.strip().equalsIgnoreCase(LATEST) ? LATEST : id.strip();
            return this;
        }

        /**
         * @param mappings {@code FROM=TO} each, or several separated by commas: {@code "alice=bob,carol=dave"}.
         *        Added to the mappings given before
         * @return this builder
         * @throws InvalidPlanException quoting every part that is not {@code FROM=TO}
         */
        public Builder map(String... mappings) {
            Objects.requireNonNull(mappings, "mappings");
            List<String> problems = new ArrayList<>();
            List<UserMapping> parsed = new ArrayList<>();
            for (String m : mappings) {
                try {
                    parsed.addAll(UserMapping.parseAll(m));
                } catch (InvalidPlanException e) {
                    problems.addAll(e.problems());
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            this.mappings.addAll(parsed);
            return this;
        }

        /**
         * @param from a user name of the backup
         * @param to a user name of the running server
         * @return this builder
         * @throws InvalidPlanException if a name is null or blank
         */
        public Builder addMapping(String from, String to) {
            this.mappings.add(new UserMapping(from, to));
            return this;
        }

        /**
         * @param overwrite {@code true} to give the target the backup's values (played, play count, position,
         *        favourite, last played, rating, likes) instead of merging them. Default {@code false}: merge
         * @return this builder
         */
        public Builder overwrite(boolean overwrite) {
            this.overwrite = overwrite;
            return this;
        }

        /**
         * @param dryRun {@code true} to work out and report every change without writing or stopping anything.
         *        Default {@code false}
         * @return this builder
         */
        public Builder dryRun(boolean dryRun) {
            this.dryRun = dryRun;
            return this;
        }

        /**
         * @param controllers services to stop before the write and start again after it (Jellyfin), added to those
         *        given before. Default none: then the report warns that Jellyfin must be restarted
         * @return this builder
         * @throws InvalidPlanException if one is null
         */
        public Builder service(ServiceController... controllers) {
            Objects.requireNonNull(controllers, "controllers");
            for (ServiceController c : controllers) {
                if (c == null) {
                    throw new InvalidPlanException(List.of("service controller must not be null"));
                }
                services.add(c);
            }
            return this;
        }

        /**
         * @param timeout how long each service may take to stop. Default
         *        {@link BackupPlan.Builder#DEFAULT_STOP_TIMEOUT}
         * @return this builder
         * @throws InvalidPlanException if it is null, zero or negative
         */
        public Builder stopTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative()) {
                throw new InvalidPlanException(List.of("stop timeout must be positive, was " + timeout));
            }
            this.stopTimeout = timeout;
            return this;
        }

        /**
         * @param timeout how long to wait for a lock another connection holds on the live database before failing
         *        with {@link DatabaseBusyException}. Default {@link #DEFAULT_BUSY_TIMEOUT}
         * @return this builder
         * @throws InvalidPlanException if it is null, zero, negative or over a day
         */
        public Builder busyTimeout(Duration timeout) {
            if (timeout == null || timeout.isZero() || timeout.isNegative() || timeout.compareTo(Duration.ofDays(1)) > 0) {
                throw new InvalidPlanException(List.of("busy timeout must be positive and at most a day, was "
                        + timeout));
            }
            this.busyTimeout = timeout;
            return this;
        }

        /**
         * @param path the Jellyfin database relative to the data folder, {@code /} separators. Default
         *        {@link #DEFAULT_DATABASE}
         * @return this builder
         * @throws InvalidPlanException if it is blank, absolute or climbs with {@code ..}
         */
        public Builder database(String path) {
            String p = path == null ? "" : path.strip();
            boolean bad = p.isEmpty() || p.startsWith("/") || p.indexOf('\\') >= 0 || p.matches("^[A-Za-z]:.*");
            for (String part : p.split("/", -1)) {
                bad |= part.isEmpty() || part.equals(".") || part.equals("..");
            }
            if (bad) {
                throw new InvalidPlanException(List.of("database must be relative to the data folder with '/' "
                        + "separators and no empty, '.' or '..' segments, was '" + path + "'"));
            }
            this.database = p;
            return this;
        }

        /**
         * @param folder where the copy of the live database taken before the change is kept. Default: beside the
         *        live database, as {@code jellyfin.db.before-user-data-copy-<UTC time>}
         * @return this builder
         * @throws InvalidPlanException if it is null
         */
        public Builder safetyCopyFolder(Path folder) {
            this.safetyCopyFolder = requirePath(folder, "safety copy folder");
            return this;
        }

        /**
         * @param folder where the backup's database is restored for reading (it needs room for the snapshot);
         *        removed afterwards. Default {@code java.io.tmpdir}
         * @return this builder
         * @throws InvalidPlanException if it is null
         */
        public Builder staging(Path folder) {
            this.staging = requirePath(folder, "staging folder");
            return this;
        }

        /**
         * @return the copy
         * @throws InvalidPlanException listing every problem: no destination, no source, no mapping, a server user
         *         that two mappings write to, a mapping given twice
         */
        public UserDataCopy build() {
            List<String> problems = new ArrayList<>();
            if (destination == null) {
                problems.add("destination (the folder holding the snapshots) is required");
            }
            if (source == null) {
                problems.add("source (the running Jellyfin server's data folder) is required");
            }
            if (mappings.isEmpty()) {
                problems.add("at least one user mapping (FROM=TO) is required");
            }
            Map<String, UserMapping> byTarget = new LinkedHashMap<>();
            Set<String> seen = new HashSet<>();
            for (UserMapping m : mappings) {
                String pair = m.from().toLowerCase(Locale.ROOT) + "=" + m.to().toLowerCase(Locale.ROOT);
                if (!seen.add(pair)) {
                    problems.add("user mapping " + m + " is given twice");
                    continue;
                }
                UserMapping earlier = byTarget.putIfAbsent(m.to().toLowerCase(Locale.ROOT), m);
                if (earlier != null) {
                    problems.add("server user '" + m.to() + "' is the target of two mappings (" + earlier + " and "
                            + m + "): copy into each user once, or merge in two runs");
                }
            }
            if (destination != null && source != null) {
                Path d = destination.toAbsolutePath().normalize();
                Path s = source.toAbsolutePath().normalize();
                if (d.equals(s)) {
                    problems.add("destination and source are the same folder: " + d);
                }
            }
            if (!problems.isEmpty()) {
                throw new InvalidPlanException(problems);
            }
            return new UserDataCopy(this);
        }

        private static Path requirePath(Path p, String what) {
            if (p == null) {
                throw new InvalidPlanException(List.of(what + " must not be null"));
            }
            return p;
        }

        private static Path toPath(String p, String what) {
            if (p == null) {
                throw new InvalidPlanException(List.of(what + " must not be null"));
            }
            try {
                return Path.of(p);
            } catch (InvalidPathException e) {
                throw new InvalidPlanException(List.of(what + " '" + p + "' is not a valid path: " + e.getReason()));
            }
        }
    }
}
