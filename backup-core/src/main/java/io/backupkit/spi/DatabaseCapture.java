package io.backupkit.spi;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Takes a consistent copy of a database file that may be in use, and checks a restored one. A plan marks database
 * files with {@code BackupPlan.Builder.database(globs)}; BackupKit finds the providers with
 * {@link java.util.ServiceLoader} (the SQLite one comes with {@code io.backupkit:backup-sqlite}) and, for each marked
 * file, uses the first provider that {@link #accepts(Path) accepts} it.
 *
 * <pre>{@code
 * BackupPlan.builder().source(plexData).destination(nas)
 *     .database("Plug-in Support/Databases/*.db")   // captured by the provider, never copied raw
 *     .build();
 * }</pre>
 *
 * <p>The engine captures each marked file into a temporary copy (in the plan's staging folder when it has one), and
 * archives and hashes that copy under the file's own path; the {@link #companions(String) companion} files are
 * never backed up. On restore, every captured file is {@link #check(Path) checked} before the restored tree is
 * swapped in, and stale companions are removed from the target afterwards.
 *
 * <p>Implementations must be thread-safe (units are written in parallel) and must not read the live file raw from
 * the JVM (a host that holds the database open would lose its locks); they go through the database engine.
 */
public interface DatabaseCapture {

    /**
     * @return the provider's id, e.g. {@code "sqlite"}; recorded in the manifest for each captured file
     */
    String id();

    /**
     * Says whether this provider can capture the file, for example because it is a SQLite database. Called on the
     * live file just before {@link #capture(Path, Path)}, and on a restored file before {@link #check(Path)}.
     *
     * @param file a file a plan marks as a database
     * @return {@code true} when this provider handles it; {@code false} on any error
     */
    boolean accepts(Path file);

    /**
     * Writes a consistent copy of a database that other processes may be writing: the copy holds every
     * transaction committed before the capture (in the file or in its write-ahead log) and nothing half-written.
     *
     * @param live the database file
     * @param copy where to write the copy; it does not exist, its folder does (and is removed afterwards)
     * @throws IOException naming the file, if no consistent copy could be made
     */
    void capture(Path live, Path copy) throws IOException;

    /**
     * @param fileName a database file's name, e.g. {@code "library.db"}
     * @return names of the files beside it that belong to its live state and are never backed up raw, e.g.
     *         {@code library.db-wal}, {@code library.db-shm}, {@code library.db-journal}
     */
    List<String> companions(String fileName);

    /**
     * Checks a restored copy, for example with {@code PRAGMA quick_check}.
     *
     * @param restored the restored database file
     * @throws IOException naming the file and the problem, if it is damaged
     */
    void check(Path restored) throws IOException;
}
