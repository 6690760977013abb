package io.backupkit.archivers.tar;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.UnitEntry;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.NoSuchFileException;

/**
 * Writes one unit as a POSIX (pax) tar stream: UTF-8 names; ustar headers, with names of up to 256 bytes split into
 * ustar's prefix and name at a {@code /}; pax headers for names that do not fit so, for link targets of 100 bytes or
 * more, for non-ASCII names and link targets, for sizes of 8 GiB or more and for modification times with a fraction
 * of a second (kept to 100 ns). Entries are built from the walk's {@link UnitEntry}, never from the file system, so
 * no owner or group is looked up: owner and group are left empty (uid and gid 0), as the index does not record them.
 * The stream ends with tar's two zero records, without padding to a 10240-byte block.
 *
 * <pre>{@code
 * try (OutputStream out = compressor.open(Files.newOutputStream(archive))) {
 *     TarWriter.write(request, out);
 * }
 * }</pre>
 *
 * @see TarStreamWriter
 */
final class TarWriter {

    /**
     * Between tar and the compressor: headers and content are gathered into writes of this size, as zstd-jni is
     * slow with small writes.
     */
    static final int RECORD_BUFFER = 1024 * 1024;

    /** The most a file is read at once (into the record buffer); large reads keep system and hashing calls few. */
    static final int COPY_BUFFER = 256 * 1024;

    private TarWriter() {
    }

    /**
     * Writes the request's entries, finishes the tar stream and closes {@code out}, also on failure. A file that
     * vanished since the walk ({@link NoSuchFileException} on open) is left out.
     *
     * @param request the unit
     * @param out the (compressing) stream the archive goes to; closed when this returns
     * @throws IOException if a file cannot be read or the archive cannot be written
     */
    static void write(ArchiveWriteRequest request, OutputStream out) throws IOException {
        write(request, out, 0);
    }

    /**
     * As {@link #write(ArchiveWriteRequest, OutputStream)}, with small files read ahead of the writer.
     *
     * @param request the unit
     * @param out the (compressing) stream the archive goes to; closed when this returns
     * @param readers threads reading small files ahead ({@link TarAhead}); 0 reads each file on this thread
     * @throws IOException if a file cannot be read or the archive cannot be written
     */
    static void write(ArchiveWriteRequest request, OutputStream out, int readers) throws IOException {
        try (out) {
            TarStreamWriter tar = new TarStreamWriter(out, RECORD_BUFFER, COPY_BUFFER);
            if (readers <= 0) {
                for (UnitEntry e : request.entries()) {
                    entry(request, tar, e, null);
                }
            } else {
                try (TarAhead ahead = new TarAhead(request, readers)) {
                    for (TarAhead.Item item; (item = ahead.next()) != null; ) {
                        entry(request, tar, item.entry(), item.content());
                        ahead.recycle(item);
                    }
                }
            }
            tar.finish();
        }
    }

    private static void entry(ArchiveWriteRequest request, TarStreamWriter tar, UnitEntry e, byte[] content)
            throws IOException {
        switch (e.type()) {
            case DIRECTORY -> tar.directory(e.path(), e.mode(), e.mtime());
            case SYMLINK -> tar.symlink(e.path(), e.linkTarget(), e.mtime());
            case FILE -> {
                if (content == TarAhead.VANISHED) {
                    return; // recorded by the engine; the entry is left out
                }
                InputStream in;
                if (content != null) {
                    in = new ByteArrayInputStream(content, 0, (int) e.size());
                } else {
                    try {
                        in = request.openExact(e);
                    } catch (NoSuchFileException vanished) {
                        return; // recorded by the engine; the entry is left out
                    }
                }
                try (in) {
                    tar.file(e.path(), e.mode(), e.mtime(), e.size(), in);
                }
            }
            default -> throw new IOException("cannot archive '" + e.path() + "' of type " + e.type());
        }
    }
}
