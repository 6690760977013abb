package io.backupkit.archivers.tar;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.UnitEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;

/**
 * Writes one unit as a POSIX (pax) tar stream: UTF-8 names, pax headers for names and link targets of 100 bytes or
 * more, for non-ASCII names, for sizes of 8 GiB or more and for modification times with a fraction of a second
 * (kept to 100 ns). Entries are built from the walk's {@link UnitEntry}, never from the file system, so no owner or
 * group is looked up: owner and group are left empty (uid and gid 0), as the index does not record them.
 *
 * <pre>{@code
 * try (OutputStream out = compressor.open(Files.newOutputStream(archive))) {
 *     TarWriter.write(request, out);
 * }
 * }</pre>
 */
final class TarWriter {

    /**
     * Between tar and the compressor. Commons Compress hands tar's 512-byte records on one at a time and zstd-jni
     * is slow with small writes, so records are gathered into large writes here.
     */
    static final int RECORD_BUFFER = 1024 * 1024;

    /** What a file is read with; large reads keep system calls and hashing calls few. */
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
        byte[] buffer = new byte[COPY_BUFFER];
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new BufferedOutputStream(out, RECORD_BUFFER),
                StandardCharsets.UTF_8.name())) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (UnitEntry e : request.entries()) {
                switch (e.type()) {
                    case DIRECTORY -> {
                        tar.putArchiveEntry(entry(e.path() + "/", TarConstants.LF_DIR, e, 0));
                        tar.closeArchiveEntry();
                    }
                    case SYMLINK -> {
                        TarArchiveEntry te = entry(e.path(), TarConstants.LF_SYMLINK, e, 0);
                        te.setLinkName(e.linkTarget());
                        tar.putArchiveEntry(te);
                        tar.closeArchiveEntry();
                    }
                    case FILE -> {
                        InputStream in;
                        try {
                            in = request.openExact(e);
                        } catch (NoSuchFileException vanished) {
                            continue; // recorded by the engine; the entry is left out
                        }
                        try (in) {
                            tar.putArchiveEntry(entry(e.path(), TarConstants.LF_NORMAL, e, e.size()));
                            int n;
                            while ((n = in.read(buffer)) != -1) {
                                tar.write(buffer, 0, n);
                            }
                            tar.closeArchiveEntry();
                        }
                    }
                    default -> throw new IOException("cannot archive '" + e.path() + "' of type " + e.type());
                }
            }
            tar.finish();
        }
    }

    private static TarArchiveEntry entry(String name, byte type, UnitEntry e, long size) {
        // tar's mode field holds the permission bits only (as GNU tar writes it); the type is in the type flag
        TarArchiveEntry te = new TarArchiveEntry(name, type);
        te.setMode(type == TarConstants.LF_SYMLINK ? 0777 : e.mode() & 07777);
        te.setSize(size);
        if (e.mtime() != null) {
            te.setLastModifiedTime(e.mtime());
        }
        return te;
    }
}
