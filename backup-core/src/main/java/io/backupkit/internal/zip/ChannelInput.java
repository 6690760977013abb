package io.backupkit.internal.zip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * Reads one region of a file at a time, buffered, through positional reads: the channel's own position is never
 * used, so one of these can walk a zip's central directory while another reads entry data from the same channel.
 * The buffer is filled from the region's current position onward (past the region's end too, up to its size), so
 * moving to a region that starts where the last one ended, or inside what is buffered, costs no read. Reads ask for
 * at least a byte; a read of a whole buffer or more with nothing buffered goes straight into the caller's array.
 * Not thread-safe.
 *
 * <pre>{@code
 * ChannelInput in = new ChannelInput(channel, archive, 64 * 1024);
 * in.seek(offset, offset + length);
 * in.readFully(header, 0, 30);
 * }</pre>
 */
final class ChannelInput extends InputStream {

    private final FileChannel channel;
    private final Path archive;
    private final byte[] bytes;
    private final ByteBuffer wrapped;
    /** File position of {@code bytes[0]}. */
    private long bufferStart;
    /** Bytes of {@link #bytes} that hold file content. */
    private int limit;
    /** Index in {@link #bytes} of the next byte to hand out. */
    private int pos;
    /** File position where the current region ends. */
    private long end;

    /**
     * @param channel the file, read only through positional reads; not closed by this
     * @param archive the file's path, named when it ends early
     * @param capacity the buffer's size in bytes
     */
    ChannelInput(FileChannel channel, Path archive, int capacity) {
        this.channel = channel;
        this.archive = archive;
        this.bytes = new byte[capacity];
        this.wrapped = ByteBuffer.wrap(bytes);
    }

    /**
     * Makes {@code [position, end)} the region read next, keeping what is buffered of it.
     *
     * @param position the file position read next
     * @param end the file position where reads end ({@code -1} from then on)
     * @throws IllegalArgumentException if {@code position} is negative or past {@code end}: callers check the
     *         positions they take from an archive first
     */
    void seek(long position, long end) {
        if (position < 0 || position > end) {
            throw new IllegalArgumentException("region " + position + "-" + end + " of " + archive);
        }
        if (position >= bufferStart && position <= bufferStart + limit) {
            pos = (int) (position - bufferStart);
        } else {
            bufferStart = position;
            pos = 0;
            limit = 0;
        }
        this.end = end;
    }

    /** @return the file position read next */
    long position() {
        return bufferStart + pos;
    }

    /** @return bytes left in the current region */
    long remaining() {
        return end - position();
    }

    @Override
    public int read() throws IOException {
        if (available() == 0 && !fill()) {
            return -1;
        }
        return bytes[pos++] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        java.util.Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        int buffered = available();
        if (buffered == 0) {
            long left = remaining();
            if (left <= 0) {
                return -1;
            }
            if (len >= bytes.length) {
                return readDirect(b, off, (int) Math.min(len, left));
            }
            if (!fill()) {
                return -1;
            }
            buffered = available();
        }
        int n = Math.min(len, buffered);
        System.arraycopy(bytes, pos, b, off, n);
        pos += n;
        return n;
    }

    /**
     * @param b where the bytes go
     * @param off where in {@code b}
     * @param len how many; the caller has checked that the region holds them
     * @throws ZipException if the file ends first
     * @throws IOException if the file cannot be read
     */
    void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = read(b, off, len);
            if (n < 0) {
                throw new ZipException(archive + " is damaged: a record runs past byte " + position());
            }
            off += n;
            len -= n;
        }
    }

    /** Skips within the region, reading nothing: @return the bytes skipped, at most those left in the region */
    @Override
    public long skip(long n) {
        long skipped = Math.max(0, Math.min(n, remaining()));
        seek(position() + skipped, end);
        return skipped;
    }

    /** @return the bytes buffered of the region, read without touching the file */
    @Override
    public int available() {
        return (int) Math.max(0, Math.min(limit - pos, end - position()));
    }

    /**
     * Hands the inflater the next bytes of the region, straight from the buffer: call it only when the inflater
     * needs input, since refilling the buffer overwrites what it was given before.
     *
     * @param inflater takes the bytes
     * @return how many it was given, 0 at the region's end
     * @throws IOException if the file cannot be read or ends early
     */
    int feed(Inflater inflater) throws IOException {
        if (available() == 0 && !fill()) {
            return 0;
        }
        int n = available();
        inflater.setInput(bytes, pos, n);
        pos += n;
        return n;
    }

    /** @return whether bytes of the region are buffered now; false at its end */
    private boolean fill() throws IOException {
        if (remaining() <= 0) {
            return false;
        }
        bufferStart = position();
        pos = 0;
        limit = 0;
        wrapped.clear();
        int n = channel.read(wrapped, bufferStart);
        if (n <= 0) { // a file's read gives at least a byte until its end
            throw endsEarly(bufferStart);
        }
        limit = n;
        return true;
    }

    private int readDirect(byte[] b, int off, int len) throws IOException {
        long at = position();
        int n = channel.read(ByteBuffer.wrap(b, off, len), at);
        if (n <= 0) {
            throw endsEarly(at);
        }
        bufferStart = at + n;
        pos = 0;
        limit = 0;
        return n;
    }

    private ZipException endsEarly(long at) {
        return new ZipException(archive + " ends at byte " + at + ", inside a record or entry that should run to byte "
                + end + " (was it cut short, or is it being written?)");
    }
}
