package io.backupkit.internal.zip;

import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The central directory of a zip being written, gathered in a temporary file instead of in memory: each entry's
 * record is appended as soon as the entry is written, and {@link #copyTo} puts them all after the last entry. So a
 * writer holds nothing per entry, however many there are. The file is deleted on {@link #close()}, whatever
 * happened before.
 *
 * <pre>{@code
 * try (ZipCentralSpill spill = new ZipCentralSpill(archive.resolveSibling(archive.getFileName() + ".cd.tmp"))) {
 *     spill.add(header.central(crc, compressed, size, offset));
 *     spill.copyTo(channel);
 * }
 * }</pre>
 */
final class ZipCentralSpill implements Closeable {

    private static final int BUFFER = 64 * 1024;

    private final Path file;
    private final FileChannel channel;
    private final OutputStream out;
    private long entries;
    private long length;

    /**
     * Creates the file, which must not exist.
     *
     * @param file where to gather the records
     * @throws java.nio.file.FileAlreadyExistsException if the file exists
     * @throws IOException if it cannot be created
     */
    ZipCentralSpill(Path file) throws IOException {
        this.file = file;
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        this.out = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER);
    }

    /**
     * @param record one entry's central directory record
     * @throws IOException if the file cannot be written
     */
    void add(byte[] record) throws IOException {
        try {
            out.write(record);
        } catch (IOException e) {
            throw failed("write", e);
        }
        entries++;
        length += record.length;
    }

    /** @return the records added */
    long entries() {
        return entries;
    }

    /** @return the bytes of the records added */
    long length() {
        return length;
    }

    /**
     * Writes every record added, in order, at the target's position.
     *
     * @param target the archive
     * @throws IOException if the file cannot be read back (the message names it), or the target written
     */
    void copyTo(WritableByteChannel target) throws IOException {
        try {
            out.flush();
        } catch (IOException e) {
            throw failed("write", e);
        }
        ByteBuffer b = ByteBuffer.allocate(BUFFER);
        long at = 0;
        while (at < length) {
            b.clear();
            if (length - at < b.capacity()) {
                b.limit((int) (length - at));
            }
            at += read(b, at);
            b.flip();
            while (b.hasRemaining()) {
                target.write(b);
            }
        }
    }

    private int read(ByteBuffer b, long at) throws IOException {
        int n;
        try {
            n = channel.read(b, at);
        } catch (IOException e) {
            throw failed("read back", e);
        }
        if (n <= 0) {
            throw new IOException("Cannot read back " + file + ": it ends at byte " + at + " of " + length);
        }
        return n;
    }

    /**
     * Closes and deletes the file; what was not yet written to it is dropped.
     *
     * @throws IOException if it cannot be deleted
     */
    @Override
    public void close() throws IOException {
        try {
            channel.close();
        } finally {
            Files.deleteIfExists(file);
        }
    }

    private IOException failed(String what, IOException e) {
        return new IOException("Cannot " + what + " " + file + ": " + e.getMessage(), e);
    }
}
