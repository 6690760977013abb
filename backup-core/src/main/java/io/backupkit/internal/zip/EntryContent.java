package io.backupkit.internal.zip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.ZipException;

/**
 * The content of one zip entry: its stored data, bounded to the compressed size, inflated when deflated, decoded by
 * Commons Compress for Deflate64 and bzip2 (archives of other tools: Windows compresses large files with Deflate64).
 * Read to its
 * end, the CRC-32 and the size of what it gave are checked against the central directory's, and a difference fails
 * naming the archive and the entry; a stream that gives more bytes than listed fails as soon as it does.
 * {@link ZipStreamReader} detaches it when it moves on, since the buffer and inflater serve the next entry then.
 *
 * <pre>{@code
 * InputStream in = new EntryContent(data, inflaterOrNull, entry, archive);
 * }</pre>
 */
final class EntryContent extends InputStream {

    private final ChannelInput in;
    private final Inflater inflater;
    private final InputStream decoder;
    private final ZipStreamReader.Entry entry;
    private final Path archive;
    private final CRC32 crc = new CRC32();
    private final byte[] one = new byte[1];
    /** The extra byte a raw inflater may want to see the end of its stream, as {@code java.util.zip} gives it. */
    private final byte[] dummy = new byte[1];
    private long count;
    private boolean ended;
    private boolean dummyGiven;
    private boolean detached;
    private boolean closed;

    /**
     * @param in positioned at the entry's data, its region ending where the data does
     * @param inflater reset, for a deflated entry; {@code null} otherwise
     * @param decoder reads {@code in} for an entry of another method; {@code null} for a stored or deflated one
     * @param entry the entry, whose CRC-32 and size are checked
     * @param archive named in messages
     */
    EntryContent(ChannelInput in, Inflater inflater, InputStream decoder, ZipStreamReader.Entry entry, Path archive) {
        this.in = in;
        this.inflater = inflater;
        this.decoder = decoder;
        this.entry = entry;
        this.archive = archive;
    }

    @Override
    public int read() throws IOException {
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (closed) {
            throw new IOException("content of '" + entry.name() + "' in " + archive + " was read after it was closed");
        }
        if (detached) {
            throw new IOException("content of '" + entry.name() + "' in " + archive + " was read after the reader "
                    + "moved to another entry");
        }
        if (ended) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = inflater != null ? inflate(b, off, len) : decoder != null ? decode(b, off, len) : in.read(b, off, len);
        if (n < 0) {
            check();
            ended = true;
            return -1;
        }
        crc.update(b, off, n);
        count += n;
        if (count > entry.size()) {
            throw new ZipException("'" + entry.name() + "' in " + archive + " is damaged: its content holds more "
                    + "than the " + entry.size() + " bytes its central directory header lists");
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
    }

    /** Stops this stream: its reader has moved to another entry. */
    void detach() {
        detached = true;
    }

    private int inflate(byte[] b, int off, int len) throws IOException {
        while (true) {
            int before = inflater.getRemaining();
            int n;
            try {
                n = inflater.inflate(b, off, len);
            } catch (DataFormatException e) {
                throw damaged(e.getMessage() == null ? "invalid deflate data" : e.getMessage(), e);
            }
            if (n > 0) {
                return n;
            }
            if (inflater.finished()) {
                return -1;
            }
            if (inflater.needsDictionary()) {
                throw damaged("it asks for a preset dictionary", null);
            }
            if (inflater.needsInput()) {
                if (in.feed(inflater) == 0) {
                    if (dummyGiven) {
                        throw damaged("its " + entry.compressedSize() + " stored bytes end before the deflate "
                                + "stream does", null);
                    }
                    dummyGiven = true;
                    inflater.setInput(dummy, 0, 1);
                }
            } else if (inflater.getRemaining() == before) {
                throw damaged("the inflater makes no progress", null);
            }
        }
    }

    private int decode(byte[] b, int off, int len) throws IOException {
        try {
            return decoder.read(b, off, len);
        } catch (ZipException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            throw damaged(e.getMessage() == null ? e.toString() : e.getMessage(), e);
        }
    }

    private void check() throws ZipException {
        if (count != entry.size()) {
            throw new ZipException("'" + entry.name() + "' in " + archive + " is damaged: its content holds " + count
                    + " bytes, its central directory header lists " + entry.size());
        }
        if (crc.getValue() != entry.crc()) {
            throw new ZipException(String.format("CRC-32 of '%s' in %s differs: the central directory lists %08x, "
                    + "the content gives %08x; the archive is damaged", entry.name(), archive, entry.crc(),
                    crc.getValue()));
        }
    }

    private ZipException damaged(String what, Exception cause) {
        ZipException e = new ZipException("Compressed data of '" + entry.name() + "' in " + archive + " is damaged: "
                + what);
        if (cause != null) {
            e.initCause(cause);
        }
        return e;
    }
}
