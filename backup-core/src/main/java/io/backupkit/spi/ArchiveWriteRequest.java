package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an {@link Archiver} writes: one unit's entries into one archive.
 *
 * <pre>{@code
 * public void write(ArchiveWriteRequest request) throws IOException {
 *     try (MyOutput out = MyOutput.create(request.archive())) {
 *         for (UnitEntry e : request.entries()) {
 *             out.begin(e);
 *             if (e.type() == EntryType.FILE) {
 *                 try (InputStream in = request.open(e)) { in.transferTo(out); }
 *             }
 *         }
 *     }
 * }
 * }</pre>
 *
 * @param unit the unit's name ({@code ""} for the files at the source root)
 * @param sourceRoot the source folder; entries' paths are relative to it
 * @param archive where to write: a file path for file archivers, a folder for folder-based ones; its parent exists.
 *        A folder-based archiver may find the folder already there, holding part of an interrupted run's copy
 * @param entries the unit's entries, directories before their content
 * @param options the archiver's options (defaults merged with the plan's)
 * @param content opens a file's content; see {@link #open(UnitEntry)}
 */
public record ArchiveWriteRequest(String unit, Path sourceRoot, Path archive, List<UnitEntry> entries,
                                  Map<String, String> options, Content content) {

    /**
     * Opens the content of a {@link EntryType#FILE} entry. BackupKit computes the file's SHA-256 and size while the
     * archiver reads, so every file must be read to its end. Closing the stream before its end abandons the
     * attempt: the file may then be opened again (to retry a failed copy), and a file never read to its end fails
     * the unit. May be called from several threads for different entries.
     *
     * @param entry one of {@link #entries()}
     * @return the file's content
     * @throws java.nio.file.NoSuchFileException if the file vanished since the walk: leave the entry out
     * @throws IOException if the file cannot be read
     */
    public InputStream open(UnitEntry entry) throws IOException {
        return content.open(entry, false);
    }

    /**
     * Like {@link #open(UnitEntry)}, for formats that declare a file's size before its content (tar): the stream
     * yields exactly {@link UnitEntry#size()} bytes. A file that grew since the walk is cut at that size, one that
     * shrank is padded with zeros; either way a warning names the file, and the index records what was stored.
     *
     * @param entry one of {@link #entries()}
     * @return exactly {@code entry.size()} bytes of content
     * @throws IOException if the file cannot be read
     */
    public InputStream openExact(UnitEntry entry) throws IOException {
        return content.open(entry, true);
    }

    /**
     * @return the same unit's folder in the newest complete snapshot written by this archiver with the same options,
     *         for folder-based archivers that link unchanged files instead of copying them; empty when there is none
     *         or for file archivers (the engine reuses unchanged archives whole)
     */
    public Optional<Path> previousArchive() {
        return content.previousArchive();
    }

    /**
     * @param entry a file entry
     * @return {@code true} when {@link #previousArchive()} holds this file unchanged: same path, size, modification
     *         time and mode as listed in the previous snapshot's index
     */
    public boolean unchanged(UnitEntry entry) {
        return content.unchanged(entry);
    }

    /**
     * Records that a file was taken from {@link #previousArchive()} (for example hard-linked) instead of being read;
     * its size and SHA-256 come from the previous snapshot's index. Call it only after the file is in place, and
     * only for an entry {@link #unchanged(UnitEntry)} accepted.
     *
     * @param entry the file entry
     * @throws IOException if the entry is not an unchanged file of the previous snapshot
     */
    public void reused(UnitEntry entry) throws IOException {
        content.reused(entry);
    }

    /**
     * Records that a copy already inside {@link #archive()} (left by an interrupted run) is kept; BackupKit reads
     * it once to record its SHA-256. Use it only for a copy whose size and modification time equal the entry's.
     *
     * @param entry the file entry
     * @param copy the copy inside the archive folder
     * @throws IOException if the copy cannot be read
     */
    public void kept(UnitEntry entry, Path copy) throws IOException {
        content.kept(entry, copy);
    }

    /**
     * Creates {@link #archive()} (a file that must not exist yet) and returns a stream that writes it from its first
     * byte to its last. BackupKit hashes the bytes as they pass, so the finished archive is not read back to be
     * hashed for the manifest. Only for an archiver that writes the whole archive through this one stream, in
     * order, and closes it: one that seeks, rewrites a header or opens the file another way must create the file
     * itself (BackupKit then reads it back once it is written). At most once per request.
     *
     * @return the archive's stream, unbuffered
     * @throws java.nio.file.FileAlreadyExistsException if the archive exists
     * @throws IOException if it cannot be created, or was created before for this request
     */
    public OutputStream create() throws IOException {
        return content.create(archive);
    }

    /**
     * Supplies file content to an archiver, and knows the previous snapshot; implemented by the engine. A host or
     * test that calls an archiver directly needs only {@link #open(UnitEntry, boolean)}.
     */
    @FunctionalInterface
    public interface Content {
        /**
         * @param entry a file entry of the request
         * @param exactSize {@code true} to yield exactly {@code entry.size()} bytes (see
         *        {@link ArchiveWriteRequest#openExact(UnitEntry)})
         * @return its content
         * @throws IOException if the file cannot be read
         */
        InputStream open(UnitEntry entry, boolean exactSize) throws IOException;

        /**
         * @param archive the request's archive
         * @return see {@link ArchiveWriteRequest#create()}; by default the file created, nothing hashed
         * @throws IOException if it cannot be created
         */
        default OutputStream create(Path archive) throws IOException {
            return Files.newOutputStream(archive, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }

        /**
         * @return see {@link ArchiveWriteRequest#previousArchive()}; none by default
         */
        default Optional<Path> previousArchive() {
            return Optional.empty();
        }

        /**
         * @param entry a file entry
         * @return see {@link ArchiveWriteRequest#unchanged(UnitEntry)}; {@code false} by default
         */
        default boolean unchanged(UnitEntry entry) {
            return false;
        }

        /**
         * @param entry a file entry
         * @throws IOException always by default: there is no previous snapshot
         */
        default void reused(UnitEntry entry) throws IOException {
            throw new IOException("'" + entry.path() + "' has no previous copy to reuse");
        }

        /**
         * @param entry a file entry
         * @param copy the kept copy
         * @throws IOException always by default
         */
        default void kept(UnitEntry entry, Path copy) throws IOException {
            throw new IOException("'" + entry.path() + "' cannot be kept from an earlier run here");
        }
    }
}
