package io.backupkit.internal;

import io.backupkit.RestoreException;
import io.backupkit.spi.DatabaseCapture;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The files a plan marks as live databases ({@code BackupPlan.Builder.database(globs)}) and the
 * {@link DatabaseCapture} providers that capture and check them.
 *
 * <pre>{@code
 * Databases dbs = new Databases(plan.databases(), plan.classLoader());
 * List<Unit> units = dbs.withoutCompanions(scanned, log);
 * try (Databases.Captured c = dbs.capture(unit, plan.source(), tmpParent, log)) {
 *     ... archive c.unit(), reading c.copies() instead of the live files ...
 * }
 * }</pre>
 */
public final class Databases {

    private final List<Glob> globs;
    private final List<DatabaseCapture> captures;

    /**
     * @param globs the plan's database globs
     * @param loader where the providers are looked for (only when there are globs)
     */
    public Databases(List<String> globs, ClassLoader loader) {
        this(globs, globs.isEmpty() ? List.of() : Providers.databaseCaptures(loader));
    }

    private Databases(List<String> globs, List<DatabaseCapture> captures) {
        List<Glob> compiled = new ArrayList<>();
        for (String g : globs) {
            compiled.add(Glob.compile(g, "database"));
        }
        this.globs = List.copyOf(compiled);
        this.captures = List.copyOf(captures);
    }

    /**
     * @param manifest the snapshot being restored
     * @param loader where the providers are looked for (only when the snapshot holds captured databases)
     * @return the snapshot's databases
     */
    static Databases forRestore(Manifest manifest, ClassLoader loader) {
        List<String> globs = manifest.plan() == null || manifest.plan().databases() == null ? List.of()
                : manifest.plan().databases();
        return new Databases(globs, of(manifest).isEmpty() ? List.of() : Providers.databaseCaptures(loader));
    }

    /** @return {@code true} when the plan marks no file as a database */
    public boolean isEmpty() {
        return globs.isEmpty();
    }

    /**
     * @param path a source-relative path
     * @return whether a database glob of the plan matches it
     */
    public boolean marks(String path) {
        return !globs.isEmpty() && Glob.anyMatches(globs, path);
    }

    /**
     * @param path a source-relative database path
     * @return the source-relative paths of its companions ({@code -wal}, {@code -shm}, ...) named by any provider
     */
    private Set<String> companionsOf(String path, List<DatabaseCapture> providers) {
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash + 1);
        Set<String> out = new LinkedHashSet<>();
        for (DatabaseCapture c : providers) {
            for (String name : c.companions(path.substring(slash + 1))) {
                out.add(parent + name);
            }
        }
        return out;
    }

    /**
     * Leaves the companions of every marked file out of the units: they hold the database's live state, which
     * the capture already includes, and restoring them beside the captured copy would damage it.
     *
     * @param units the scanned units
     * @param log the run log
     * @return the units without companion entries
     */
    List<Unit> withoutCompanions(List<Unit> units, RunLog log) {
        if (globs.isEmpty()) {
            return units;
        }
        List<Unit> out = new ArrayList<>(units.size());
        for (Unit u : units) {
            Map<String, String> companions = new LinkedHashMap<>();
            for (UnitEntry e : u.entries()) {
                if (e.type() == EntryType.FILE && marks(e.path())) {
                    for (String c : companionsOf(e.path(), captures)) {
                        companions.putIfAbsent(c, e.path());
                    }
                }
            }
            if (companions.isEmpty()) {
                out.add(u);
                continue;
            }
            List<UnitEntry> kept = new ArrayList<>(u.entries().size());
            for (UnitEntry e : u.entries()) {
                String db = companions.get(e.path());
                if (db != null && !marks(e.path())) {
                    log.info("Leaving out '{}': live state of database '{}', which is captured consistently",
                            e.path(), db);
                } else {
                    kept.add(e);
                }
            }
            out.add(new Unit(u.name(), u.special(), EntryList.copyOf(kept), u.shallow()));
        }
        return List.copyOf(out);
    }

    /**
     * Captures every marked file of a unit into a temporary folder.
     *
     * @param unit the unit
     * @param source the source folder
     * @param tempParent where the temporary folder is made
     * @param log the run log
     * @return the unit with each captured entry's size set to its copy's, and the copies; close it to delete them
     * @throws IOException naming the file, if a capture fails
     */
    Captured capture(Unit unit, Path source, Path tempParent, RunLog log) throws IOException {
        List<UnitEntry> marked = unit.entries().stream()
                .filter(e -> e.type() == EntryType.FILE && marks(e.path())).toList();
        if (marked.isEmpty()) {
            return new Captured(unit, Map.of(), Map.of(), null);
        }
        Files.createDirectories(tempParent);
        Path dir = Files.createTempDirectory(tempParent, "backupkit-db-");
        Map<String, Path> copies = new LinkedHashMap<>();
        Map<String, String> providers = new LinkedHashMap<>();
        Captured captured = null;
        try {
            Map<String, UnitEntry> replaced = new LinkedHashMap<>();
            int n = 0;
            for (UnitEntry e : marked) {
                Path live = source.resolve(e.path());
                if (!Files.isRegularFile(live, LinkOption.NOFOLLOW_LINKS)) {
                    continue; // vanished since the walk: the archiver's open reports it
                }
                DatabaseCapture c = Providers.captureFor(captures, live);
                if (c == null) {
                    log.warn("'" + e.path() + "' is marked as a database but no database capture provider "
                            + "recognises it; backed up as a plain file");
                    continue;
                }
                Path copyDir = Files.createDirectory(dir.resolve(Integer.toString(n++)));
                Path copy = copyDir.resolve(live.getFileName().toString());
                long t0 = System.nanoTime();
                try {
                    c.capture(live, copy);
                } catch (NoSuchFileException gone) {
                    continue;
                } catch (IOException | RuntimeException ex) {
                    throw new IOException("Capturing database '" + e.path() + "' with '" + c.id() + "' failed: "
                            + ex.getMessage(), ex);
                }
                if (!Files.isRegularFile(copy, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException("Database capture '" + c.id() + "' wrote no copy of '" + e.path() + "'");
                }
                long size = Files.size(copy);
                log.info("Captured database '{}' with '{}': {} bytes in {} ms", e.path(), c.id(), size,
                        (System.nanoTime() - t0) / 1_000_000);
                copies.put(e.path(), copy);
                providers.put(e.path(), c.id());
                replaced.put(e.path(), new UnitEntry(e.path(), EntryType.FILE, size, e.mtime(), e.mode(), null));
            }
            List<UnitEntry> entries = new ArrayList<>(unit.entries().size());
            for (UnitEntry e : unit.entries()) {
                entries.add(replaced.getOrDefault(e.path(), e));
            }
            captured = new Captured(new Unit(unit.name(), unit.special(), EntryList.copyOf(entries), unit.shallow()),
                    Map.copyOf(copies), Map.copyOf(providers), dir);
            return captured;
        } finally {
            if (captured == null) {
                Fs.deleteTree(dir);
            }
        }
    }

    /**
     * Checks the restored databases before the swap.
     *
     * @param root the extracted tree
     * @param files the manifest's captured files
     * @param log the run log
     * @throws RestoreException naming the file, if one is damaged
     */
    void check(Path root, List<Manifest.DatabaseFile> files, RunLog log) {
        for (Manifest.DatabaseFile f : files) {
            Path restored = Fs.resolve(root, f.path());
            if (!Files.isRegularFile(restored, LinkOption.NOFOLLOW_LINKS)) {
                continue; // not part of this restore
            }
            DatabaseCapture c = provider(f.capture());
            if (c == null) {
                log.warn("Database '" + f.path() + "' is not checked: no database capture '" + f.capture()
                        + "' on the class path (add " + Providers.SQLITE_MODULE + ")");
                continue;
            }
            try {
                if (!c.accepts(restored)) {
                    throw new IOException("'" + c.id() + "' does not recognise it as a database any more");
                }
                c.check(restored);
            } catch (IOException | RuntimeException e) {
                throw new RestoreException("Restored database '" + f.path() + "' is damaged (" + e.getMessage()
                        + "); nothing was restored, the target is untouched", f.path());
            } finally {
                removeCompanions(root, f.path(), c); // a provider's own connection may leave -shm or -wal behind
            }
            log.info("Database '{}' checked with '{}'", f.path(), c.id());
        }
    }

    /**
     * Removes stale companions ({@code -wal}, {@code -shm}, ...) of the restored databases from the target: the
     * snapshot never holds them, but they may have survived the swap as excluded paths.
     *
     * @param target the restore target
     * @param files the manifest's captured files
     * @param log the run log
     */
    void removeStaleCompanions(Path target, List<Manifest.DatabaseFile> files, RunLog log) {
        for (Manifest.DatabaseFile f : files) {
            DatabaseCapture c = provider(f.capture());
            if (c == null) {
                log.warn("Stale companions of database '" + f.path() + "' (-wal, -shm) are not looked for: no "
                        + "database capture '" + f.capture() + "' on the class path; remove them before the "
                        + "application starts");
                continue;
            }
            for (String rel : companionsOf(f.path(), List.of(c))) {
                Path p = Fs.resolve(target, rel);
                try {
                    if (Files.deleteIfExists(p)) {
                        log.info("Removed stale '{}' left beside the restored database '{}'", rel, f.path());
                    }
                } catch (IOException e) {
                    log.warn("Could not remove stale '" + rel + "' beside the restored database '" + f.path()
                            + "': " + SourceScanner.describe(e) + "; remove it before the application starts");
                }
            }
        }
    }

    /** Removes a database's companions from the extracted tree, which never holds them from the snapshot. */
    private void removeCompanions(Path root, String path, DatabaseCapture c) {
        for (String rel : companionsOf(path, List.of(c))) {
            try {
                Files.deleteIfExists(Fs.resolve(root, rel));
            } catch (IOException e) {
                throw new RestoreException("Cannot remove '" + rel + "' that checking '" + path + "' left in the "
                        + "extracted files: " + SourceScanner.describe(e) + "; the target is untouched", rel);
            }
        }
    }

    private DatabaseCapture provider(String id) {
        for (DatabaseCapture c : captures) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        return null;
    }

    /**
     * @param manifest a snapshot's manifest
     * @return its captured databases; empty for manifests without any (and those written before they existed)
     */
    static List<Manifest.DatabaseFile> of(Manifest manifest) {
        return manifest.databases() == null ? List.of() : manifest.databases();
    }

    /**
     * @param captured the captured files of every unit, path to provider id
     * @return the manifest's list, sorted by path; {@code null} when empty
     */
    static List<Manifest.DatabaseFile> toManifest(Map<String, String> captured) {
        if (captured.isEmpty()) {
            return null;
        }
        List<Manifest.DatabaseFile> out = new ArrayList<>();
        new TreeMap<>(captured).forEach((p, id) -> out.add(new Manifest.DatabaseFile(p, id)));
        return List.copyOf(out);
    }

    /**
     * A unit's captured databases: the unit with the copies' sizes, and the copies, deleted on close.
     *
     * @param unit the unit as the archiver sees it
     * @param copies source-relative path to the temporary copy
     * @param providers source-relative path to the id of the provider that captured it
     * @param folder the temporary folder, or {@code null}
     */
    record Captured(Unit unit, Map<String, Path> copies, Map<String, String> providers, Path folder)
            implements AutoCloseable {
        @Override
        public void close() throws IOException {
            if (folder != null) {
                Fs.deleteTree(folder);
            }
        }
    }
}
