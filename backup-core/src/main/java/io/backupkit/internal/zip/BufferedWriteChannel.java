package io.backupkit.internal.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonReadableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A write-only {@link SeekableByteChannel} that gathers writes in a buffer before they reach the file. The zip
 * writer ({@link ZipStreamWriter}) writes each entry as pieces (local header, data, for a streamed file a seek back
 * to fill in the CRC and sizes): on the file channel itself each piece is a system call, tens of thousands of them
 * for a Plex metadata folder. Here a write inside or right after the buffered range stays in memory, so rewriting the
 * header of an entry still buffered costs nothing; any other position flushes the buffer first. Not thread-safe.
 *
 * <pre>{@code
 * try (BufferedWriteChannel out = new BufferedWriteChannel(FileChannel.open(p, CREATE_NEW, WRITE), 1 << 20)) {
 *     out.write(header);
 *     out.write(data);
 *     out.position(headerStart).write(headerWithSizes);
 * }
 * }</pre>
 */
final class BufferedWriteChannel implements SeekableByteChannel {

    private final SeekableByteChannel channel;
    private final byte[] buffer;
    /** File position of {@code buffer[0]}. */
    private long start;
    /** Bytes held in the buffer, from {@link #start}. */
    private int length;
    /** The logical position: where the next write goes. */
    private long position;
    private boolean open = true;

    /**
     * @param channel the file, written from its current position on; closed with this channel
     * @param capacity the buffer's size in bytes; writes at least this large go straight to the file
     * @throws IOException if the channel's position cannot be read
     */
    BufferedWriteChannel(SeekableByteChannel channel, int capacity) throws IOException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.channel = channel;
        this.buffer = new byte[capacity];
        this.position = channel.position();
        this.start = position;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        ensureOpen();
        int n = src.remaining();
        if (n == 0) {
            return 0;
        }
        if (n >= buffer.length) {
            flush();
            channel.position(position);
            while (src.hasRemaining()) {
                channel.write(src);
            }
            position += n;
            start = position;
            return n;
        }
        // in memory when the write starts inside the buffered range (or right after it) and fits the buffer
        if (position < start || position > start + length || position + n > start + buffer.length) {
            flush();
            start = position;
        }
        int offset = (int) (position - start);
        src.get(buffer, offset, n);
        length = Math.max(length, offset + n);
        position += n;
        return n;
    }

    /** Writes the buffered bytes to the file; the logical position stays. */
    void flush() throws IOException {
        if (length > 0) {
            channel.position(start);
            ByteBuffer b = ByteBuffer.wrap(buffer, 0, length);
            while (b.hasRemaining()) {
                channel.write(b);
            }
            start += length;
            length = 0;
        }
    }

    @Override
    public long position() throws IOException {
        ensureOpen();
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
        ensureOpen();
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position " + newPosition);
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() throws IOException {
        ensureOpen();
        return length == 0 ? channel.size() : Math.max(channel.size(), start + length);
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
        ensureOpen();
        flush();
        channel.truncate(size);
        position = Math.min(position, size);
        start = position;
        return this;
    }

    @Override
    public int read(ByteBuffer dst) {
        throw new NonReadableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Writes what is buffered and closes the file; the file is closed even when the last write fails. */
    @Override
    public void close() throws IOException {
        if (!open) {
            return;
        }
        open = false;
        try (channel) {
            flush();
        }
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!open) {
            throw new ClosedChannelException();
        }
    }
}
