package io.backupkit.spi;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

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
 * @param archive where to write: a file path for file archivers, a folder for folder-based ones; its parent exists
 * @param entries the unit's entries, directories before their content
 * @param options the archiver's options (defaults merged with the plan's)
 * @param content opens a file's content; see {@link #open(UnitEntry)}
 */
public record ArchiveWriteRequest(String unit, Path sourceRoot, Path archive, List<UnitEntry> entries,
                                  Map<String, String> options, Content content) {

    /**
     * Opens the content of a {@link EntryType#FILE} entry. BackupKit computes the file's SHA-256 and size while the
     * archiver reads, so every file must be opened exactly once and read to its end. May be called from several
     * threads for different entries.
     *
     * @param entry one of {@link #entries()}
     * @return the file's content
     * @throws IOException if the file cannot be read
     */
    public InputStream open(UnitEntry entry) throws IOException {
        return content.open(entry);
    }

    /** Opens file content for an archiver; supplied by the engine. */
    @FunctionalInterface
    public interface Content {
        /**
         * @param entry a file entry of the request
         * @return its content
         * @throws IOException if the file cannot be read
         */
        InputStream open(UnitEntry entry) throws IOException;
    }
}
