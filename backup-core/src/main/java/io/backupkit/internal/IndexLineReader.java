package io.backupkit.internal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Reads an index line by line as bytes, with each line's position in the file, so that a caller can keep a
 * position (8 bytes) instead of the entry, and read the entry back with {@link #entryAt(FileChannel, long)} when it
 * needs it again. Lines end at {@code \n}; a {@code \r} before it is whitespace to the JSON parser.
 *
 * <pre>{@code
 * try (IndexLineReader r = new IndexLineReader(index)) {
 *     while (r.next()) {
 *         if (!r.blank()) use(r.entry(), r.offset());
 *     }
 * }
 * }</pre>
 */
final class IndexLineReader implements Closeable {

    /** Longest line accepted: a path and a link target of a few KiB each fit many times. */
    static final int MAX_LINE = 1024 * 1024;
    private static final int CHUNK = 64 * 1024;

    private final InputStream in;
    private byte[] buf = new byte[CHUNK];
    private int start;
    private int end;
    private int lineStart;
    private int lineEnd;
    private long position;
    private long offset;
    private int lineNo;
    private boolean eof;

    /**
     * @param index the index file
     * @throws IOException if it cannot be opened
     */
    IndexLineReader(Path index) throws IOException {
        this(Files.newInputStream(index, LinkOption.NOFOLLOW_LINKS));
    }

    /**
     * @param in an index's bytes, from its first; closed with this reader
     */
    IndexLineReader(InputStream in) {
        this.in = in;
    }

    /**
     * Moves to the next line.
     *
     * @return {@code false} at the end of the file
     * @throws IOException if the file cannot be read, or a line is longer than {@value #MAX_LINE} bytes
     */
    boolean next() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    take(i, i + 1);
                    return true;
                }
            }
            if (eof) {
                if (start == end) {
                    return false;
                }
                take(end, end); // a last line without a line break
                return true;
            }
            fill();
        }
    }

    private void take(int stop, int next) {
        lineStart = start;
        lineEnd = stop;
        offset = position;
        position += next - start;
        start = next;
        lineNo++;
    }

    private void fill() throws IOException {
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        if (end == buf.length) {
            if (buf.length >= MAX_LINE) {
                throw new IOException("line " + (lineNo + 1) + " is longer than " + MAX_LINE + " bytes");
            }
            buf = Arrays.copyOf(buf, Math.min(buf.length * 2, MAX_LINE));
        }
        int n = in.read(buf, end, buf.length - end);
        if (n < 0) {
            eof = true;
        } else {
            end += n;
        }
    }

    /** @return whether the line holds nothing but white space */
    boolean blank() {
        for (int i = lineStart; i < lineEnd; i++) {
            byte b = buf[i];
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    /**
     * @return the line's entry
     * @throws IOException if the line is not a valid entry (see {@link IndexLines#read(byte[], int, int)})
     */
    IndexEntry entry() throws IOException {
        return IndexLines.read(buf, lineStart, lineEnd - lineStart);
    }

    /** @return where the line starts in the file */
    long offset() {
        return offset;
    }

    /** @return the line's number, from 1 */
    int lineNo() {
        return lineNo;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }

    /**
     * Reads the entry of the line that starts at {@code offset}.
     *
     * @param index the index, open for reading
     * @param offset a line's {@link #offset()}
     * @return its entry
     * @throws IOException if it cannot be read, or is not a valid entry
     */
    static IndexEntry entryAt(FileChannel index, long offset) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        long at = offset;
        while (true) {
            int n = index.read(b, at + b.position());
            int length = b.position();
            for (int i = Math.max(0, length - Math.max(n, 0)); i < length; i++) {
                if (b.get(i) == '\n') {
                    return IndexLines.read(b.array(), 0, i);
                }
            }
            if (n < 0) {
                return IndexLines.read(b.array(), 0, length);
            }
            if (!b.hasRemaining()) {
                if (b.capacity() >= MAX_LINE) {
                    throw new IOException("the line at byte " + offset + " is longer than " + MAX_LINE + " bytes");
                }
                b = ByteBuffer.allocate(Math.min(b.capacity() * 2, MAX_LINE)).put(b.flip());
            }
        }
    }

    /**
     * @param index an index file
     * @return it, open for {@link #entryAt(FileChannel, long)}
     * @throws IOException if it cannot be opened
     */
    static FileChannel open(Path index) throws IOException {
        return FileChannel.open(index, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }
}
