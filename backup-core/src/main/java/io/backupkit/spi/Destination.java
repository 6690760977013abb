package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Where snapshots are kept when that is not a local folder: an object store (S3-compatible), an SFTP server. A
 * destination is a flat set of named files (objects) under a root, with {@code '/'}-separated names relative to it.
 * BackupKit writes every snapshot into a local cache folder first, exactly as into a local destination, then
 * uploads it file by file with its {@code manifest.json} last: a snapshot whose manifest is missing is never listed,
 * so an interrupted upload never leaves something that looks complete.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder()
 *     .source("/srv/jellyfin")
 *     .destination(Destinations.s3("my-bucket", "backups/jellyfin"))   // backup-remote
 *     .cache("/var/cache/backupkit/jellyfin")
 *     .build();
 * }</pre>
 *
 * <p>Implementations are thread-safe, bound their own time (connect and read timeouts, a few retries), never put a
 * password or key in a message, a log line or {@link #id()}, and release their connections in {@link #close()},
 * connecting again when used after it.
 * This interface may gain default methods; implementations keep working.
 */
public interface Destination extends AutoCloseable {

    /**
     * @return where this is, for messages and logs, without secrets, e.g. {@code "s3://my-bucket/backups/jellyfin"}
     */
    String id();

    /**
     * @param prefix a name prefix, {@code ""} for everything
     * @return every file whose name starts with {@code prefix}, at any depth, in no particular order
     * @throws IOException if the destination cannot be listed
     */
    List<RemoteFile> list(String prefix) throws IOException;

    /**
     * @param name a file's name
     * @return its content; the caller closes it
     * @throws java.nio.file.NoSuchFileException if there is no such file
     * @throws IOException if it cannot be read
     */
    InputStream open(String name) throws IOException;

    /**
     * Writes a file so that it appears whole or not at all (a temporary name then a rename, or an object store's
     * single put), replacing a file of that name. Owner-only permissions where the destination has permissions.
     *
     * @param source the local file
     * @param name the name to give it
     * @throws IOException if it cannot be written; nothing of that name is left half-written
     */
    void upload(Path source, String name) throws IOException;

    /**
     * Writes a small file only if none of that name exists, atomically where the destination can (an object store's
     * conditional put, an exclusive create): the destination's lock.
     *
     * @param name the name
     * @param content the content
     * @return {@code true} if it was written, {@code false} if a file of that name already exists
     * @throws IOException if it cannot be written
     */
    boolean createNew(String name, byte[] content) throws IOException;

    /**
     * @param name a file's name; a missing file is not an error
     * @throws IOException if it exists and cannot be deleted
     */
    void delete(String name) throws IOException;

    /**
     * Copies a file within the destination without moving its bytes through this machine, where the destination
     * can (an object store's server-side copy): unchanged archives reused from the previous snapshot.
     *
     * @param from an existing file's name
     * @param to the copy's name
     * @return {@code true} if copied, {@code false} if this destination cannot copy (the caller uploads instead)
     * @throws IOException if the copy failed
     */
    default boolean copy(String from, String to) throws IOException {
        return false;
    }

    /**
     * Releases connections. BackupKit calls it at the end of every run (backup, list, verify, restore, prune); the
     * destination connects again when it is used after that. Default: nothing.
     *
     * @throws IOException if releasing fails
     */
    @Override
    default void close() throws IOException {
    }
}
