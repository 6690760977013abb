package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * Writes one unit's files into an archive, and reads them back. Found by {@link #id()} through
 * {@link java.util.ServiceLoader}; an instance can also be given to the plan builder.
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("zip")...          // discovered by id
 * BackupPlan.builder().archiver(new MyArchiver())  // or given directly
 * }</pre>
 *
 * <p>An archiver only moves bytes. The engine walks the source, hashes every file while the archiver reads it,
 * writes the index and manifest, and checks every entry read back (names, types, hashes) before anything is
 * restored, so an archiver need not defend against hostile archives beyond not crashing on them.
 */
public interface Archiver {

    /**
     * @return the id plans use to name this archiver, e.g. {@code "zip"}
     */
    String id();

    /**
     * @return the file name extension of this archiver's archives without the dot (e.g. {@code "zip"}), or
     *         {@code ""} when each unit is written as a plain folder
     */
    String extension();

    /**
     * @return the options this archiver understands, with their defaults; plan options override them
     */
    default Map<String, String> defaultOptions() {
        return Map.of();
    }

    /**
     * Checks option values when a plan is built, so a bad value is reported with every other problem of the plan
     * instead of failing the first unit written. Keys are already known to be in {@link #defaultOptions()}.
     *
     * @param options the plan's options merged over the defaults
     * @return one message per bad value, naming the option, the value and what is allowed; empty when all are good
     */
    default java.util.List<String> checkOptions(Map<String, String> options) {
        return java.util.List.of();
    }

    /**
     * @return the options that change what is written (a compression level does, a retry count does not): an
     *         earlier snapshot's archives are reused only when these match. Default: every option
     */
    default java.util.Set<String> contentOptions() {
        return defaultOptions().keySet();
    }

    /**
     * Writes the request's entries into {@code request.archive()}. The file (or folder) must not exist yet; on
     * failure the engine deletes whatever was written.
     *
     * @param request the unit to write
     * @throws IOException if reading a source file or writing the archive fails
     */
    void write(ArchiveWriteRequest request) throws IOException;

    /**
     * Reads every entry of an archive in the order stored and hands each to the visitor, with the content of
     * regular files.
     *
     * @param archive the archive (file or folder) written by {@link #write}
     * @param options the options the archive was written with, as recorded in the manifest
     * @param visitor receives each entry
     * @throws IOException if the archive cannot be read
     */
    void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException;

    /**
     * @return whether {@link #read(Path, InputStream, Map, EntryVisitor)} reads this archiver's archives from their
     *         bytes, front to back; by default {@code false}: archives are read from the file only
     */
    default boolean readsStreams() {
        return false;
    }

    /**
     * Reads an archive from its bytes in one pass, as {@link #read(Path, Map, EntryVisitor)} reads the file, for
     * archivers whose {@link #readsStreams()} is {@code true}. The engine then checks the archive's SHA-256 on the
     * same read instead of reading the archive twice (a restore from a NAS reads it over the network once). The
     * archiver need not read past the end of its format, nor close {@code content}: the engine reads the rest.
     *
     * @param archive the archive's path, for messages only
     * @param content the archive's bytes, from the first
     * @param options the options the archive was written with, as recorded in the manifest
     * @param visitor receives each entry
     * @throws IOException if the archive cannot be read
     * @throws UnsupportedOperationException if this archiver does not read streams (the default)
     */
    default void read(Path archive, InputStream content, Map<String, String> options, EntryVisitor visitor)
            throws IOException {
        throw new UnsupportedOperationException("archiver '" + id() + "' reads its archives from files only");
    }

    /** Receives the entries of an archive being read. */
    @FunctionalInterface
    interface EntryVisitor {
        /**
         * @param entry the entry as stored
         * @param content the content of a {@link EntryType#FILE} entry, valid only during this call; an empty
         *        stream for other types
         * @throws IOException to stop reading
         */
        void visit(ArchivedEntry entry, InputStream content) throws IOException;
    }
}
