package io.backupkit.archivers.tar;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Arrays;

/**
 * Writes a POSIX pax tar stream: 512-byte ustar headers (magic {@code "ustar\0"}, version {@code "00"}, octal fields,
 * header checksum), content padded to 512 bytes, two zero records at the end and no further block padding. A pax
 * extended header (type {@code 'x'}) precedes an entry only when the ustar header cannot hold what it needs: a
 * non-ASCII name or link target, a name longer than 100 bytes that cannot be split into ustar's 155-byte prefix and
 * 100-byte name at a {@code /}, a link target of 100 bytes or more, a size of 8 GiB or more, or a modification time
 * with a fraction of a second (kept to 100 ns), before 1970 or after 2242.
 *
 * <p>Headers and content are gathered in one large buffer and handed to the output in writes of its size; file
 * content is read straight into that buffer. Names are encoded once per entry and headers are formatted in place,
 * so writing an entry makes next to no garbage. Owner and group are left empty (uid and gid 0).
 *
 * <pre>{@code
 * TarStreamWriter tar = new TarStreamWriter(out, 1024 * 1024, 256 * 1024);
 * tar.directory("Metadata", 0755, mtime);
 * tar.file("Metadata/a.xml", 0644, mtime, size, in);
 * tar.finish(); // out stays open
 * }</pre>
 */
final class TarStreamWriter {

    /** tar's record: headers and content padding come in these. */
    static final int RECORD = 512;

    /** The largest number a 12-byte octal field holds (11 digits): sizes and times up to 8 GiB - 1 / 2242. */
    static final long MAX_OCTAL_11 = 077777777777L;

    private static final int NAME_LEN = 100;
    private static final int PREFIX_LEN = 155;
    private static final int LINK_LEN = 100;

    private static final int MODE = 100;
    private static final int SIZE = 124;
    private static final int MTIME = 136;
    private static final int CHECKSUM = 148;
    private static final int TYPE = 156;
    private static final int LINK = 157;
    private static final int PREFIX = 345;

    /** Each pax header is named after its entry, as Commons Compress named them: {@code ./PaxHeaders.X/d_a.txt}. */
    private static final byte[] PAX_NAME = "./PaxHeaders.X/".getBytes(StandardCharsets.US_ASCII);
    /** The mode field of pax headers, as Commons Compress wrote it (readers ignore it). */
    private static final int PAX_MODE = 0100644;

    private static final byte[] KEY_PATH = bytes("path");
    private static final byte[] KEY_SIZE = bytes("size");
    private static final byte[] KEY_LINKPATH = bytes("linkpath");
    private static final byte[] KEY_MTIME = bytes("mtime");

    /** What every header starts as: uid, gid, magic, version, device numbers and the checksum field as spaces. */
    private static final byte[] TEMPLATE = template();

    private final OutputStream out;
    private final byte[] buffer;
    private final int maxRead;
    private int pos;
    private byte[] pax = new byte[RECORD];
    private int paxLength;
    private final byte[] paxName = new byte[NAME_LEN - 1];
    private final byte[] number = new byte[32];
    private final byte[] probe = new byte[1];
    private final FileTime now = FileTime.from(Instant.now());

    /**
     * @param out where the tar stream goes; the caller closes it
     * @param bufferSize how much is gathered before each write to {@code out}, a multiple of 512
     * @param maxRead the most bytes asked for in one read of a file
     */
    TarStreamWriter(OutputStream out, int bufferSize, int maxRead) {
        if (bufferSize <= 0 || bufferSize % RECORD != 0 || maxRead <= 0) {
            throw new IllegalArgumentException("buffer of " + bufferSize + " bytes, reads of " + maxRead);
        }
        this.out = out;
        this.buffer = new byte[bufferSize];
        this.maxRead = maxRead;
    }

    /**
     * Writes a folder entry; its name gets a trailing {@code /}.
     *
     * @param path the folder's path, {@code /}-separated
     * @param mode its permission bits
     * @param mtime its modification time; {@code null} for the time this writer was made
     * @throws IOException if the output fails
     */
    void directory(String path, int mode, FileTime mtime) throws IOException {
        byte[] encoded = path.getBytes(StandardCharsets.UTF_8);
        byte[] name = Arrays.copyOf(encoded, encoded.length + 1);
        name[encoded.length] = '/';
        entry(name, (byte) '5', mode & 07777, 0, mtime, null);
    }

    /**
     * Writes a symlink entry (mode 0777).
     *
     * @param path the link's path
     * @param target the link's target as stored in the link
     * @param mtime its modification time; {@code null} for the time this writer was made
     * @throws IOException if the output fails
     */
    void symlink(String path, String target, FileTime mtime) throws IOException {
        entry(path.getBytes(StandardCharsets.UTF_8), (byte) '2', 0777, 0, mtime,
                target.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a file entry with exactly {@code size} bytes of content read from {@code in} (which is not closed).
     *
     * @param path the file's path
     * @param mode its permission bits
     * @param mtime its modification time; {@code null} for the time this writer was made
     * @param size the size the header declares
     * @param in the content: must yield exactly {@code size} bytes
     * @throws IOException if {@code in} fails or yields fewer or more than {@code size} bytes, or the output fails;
     *         the stream written so far is then not a valid tar stream
     */
    void file(String path, int mode, FileTime mtime, long size, InputStream in) throws IOException {
        if (size < 0) {
            throw new IOException("'" + path + "' has a negative size: " + size);
        }
        entry(path.getBytes(StandardCharsets.UTF_8), (byte) '0', mode & 07777, size, mtime, null);
        long left = size;
        while (left > 0) {
            if (pos == buffer.length) {
                flushBuffer();
            }
            int n = in.read(buffer, pos, (int) Math.min(Math.min(buffer.length - pos, maxRead), left));
            if (n < 0) {
                throw new IOException("'" + path + "' ended after " + (size - left) + " of the " + size
                        + " bytes its tar header declares");
            }
            pos += n;
            left -= n;
        }
        if (in.read(probe, 0, 1) > 0) {
            throw new IOException("'" + path + "' has more than the " + size + " bytes its tar header declares");
        }
        pad(size);
    }

    /**
     * Ends the archive with two zero records and writes out what is buffered; {@code out} stays open.
     *
     * @throws IOException if the output fails
     */
    void finish() throws IOException {
        for (int i = 0; i < 2; i++) {
            room();
            Arrays.fill(buffer, pos, pos + RECORD, (byte) 0);
            pos += RECORD;
        }
        flushBuffer();
    }

    private void entry(byte[] name, byte type, int mode, long size, FileTime mtime, byte[] link) throws IOException {
        Instant time = (mtime == null ? now : mtime).toInstant();
        long seconds = time.getEpochSecond();
        int fraction = time.getNano() / 100; // pax keeps 7 decimals, as Commons Compress did
        boolean secondsFit = seconds >= 0 && seconds <= MAX_OCTAL_11;

        boolean ascii = ascii(name);
        int split = ascii && name.length > NAME_LEN ? split(name) : -1;
        boolean paxPath = !ascii || (name.length > NAME_LEN && split < 0);
        boolean paxLink = link != null && (link.length >= LINK_LEN || !ascii(link));
        boolean paxSize = size > MAX_OCTAL_11;
        boolean paxTime = fraction != 0 || !secondsFit;

        long secondsField = secondsFit ? seconds : 0;
        if (paxPath || paxLink || paxSize || paxTime) {
            paxLength = 0;
            if (paxPath) {
                record(KEY_PATH, name, name.length);
            }
            if (paxSize) {
                record(KEY_SIZE, number, decimal(size, number, 0));
            }
            if (paxLink) {
                record(KEY_LINKPATH, link, link.length);
            }
            if (paxTime) {
                record(KEY_MTIME, number, time(seconds, fraction));
            }
            int paxNameLength = paxName(name);
            header(paxName, 0, paxNameLength, null, 0, (byte) 'x', PAX_MODE, paxLength, secondsField, null);
            write(pax, paxLength);
            pad(paxLength);
        }

        if (split >= 0) {
            header(name, split + 1, name.length - split - 1, name, split, type, mode, size, secondsField, link);
        } else {
            header(name, 0, fit(name, NAME_LEN), null, 0, type, mode, size, secondsField, link);
        }
    }

    /** Formats one header in place in the buffer. */
    private void header(byte[] name, int nameOffset, int nameLength, byte[] prefix, int prefixLength, byte type,
                        int mode, long size, long mtime, byte[] link) throws IOException {
        room();
        byte[] b = buffer;
        int h = pos;
        System.arraycopy(TEMPLATE, 0, b, h, RECORD);
        System.arraycopy(name, nameOffset, b, h, nameLength);
        octal(b, h + MODE, 7, mode);
        octal(b, h + SIZE, 11, size > MAX_OCTAL_11 ? 0 : size);
        octal(b, h + MTIME, 11, mtime);
        b[h + TYPE] = type;
        if (link != null) {
            System.arraycopy(link, 0, b, h + LINK, fit(link, LINK_LEN));
        }
        if (prefix != null) {
            System.arraycopy(prefix, 0, b, h + PREFIX, prefixLength);
        }
        int sum = 0;
        for (int i = h, end = h + RECORD; i < end; i++) {
            sum += b[i] & 0xff;
        }
        octal(b, h + CHECKSUM, 6, sum);
        b[h + CHECKSUM + 6] = 0;
        b[h + CHECKSUM + 7] = ' ';
        pos += RECORD;
    }

    /** Appends one pax record, {@code "<length> key=value\n"}, where the length counts itself. */
    private void record(byte[] key, byte[] value, int valueLength) {
        int rest = key.length + valueLength + 3; // space, '=' and newline
        int digits = digits(rest);
        while (digits(rest + digits) != digits) {
            digits = digits(rest + digits);
        }
        int length = rest + digits;
        if (paxLength + length > pax.length) {
            pax = Arrays.copyOf(pax, Math.max(pax.length * 2, paxLength + length));
        }
        int at = paxLength + decimal(length, pax, paxLength);
        pax[at++] = ' ';
        System.arraycopy(key, 0, pax, at, key.length);
        at += key.length;
        pax[at++] = '=';
        System.arraycopy(value, 0, pax, at, valueLength);
        at += valueLength;
        pax[at++] = '\n';
        paxLength = at;
    }

    /**
     * Formats a time as pax decimal seconds into {@link #number}: whole seconds, or seconds and 7 decimals. The
     * value is exact: before 1970, {@code seconds} (rounded down) plus the fraction is written as {@code -302.5}.
     *
     * @return the length
     */
    private int time(long seconds, int fraction) {
        if (fraction == 0) {
            return decimal(seconds, number, 0);
        }
        int at;
        int digits;
        if (seconds >= 0) {
            at = decimal(seconds, number, 0);
            digits = fraction;
        } else {
            number[0] = '-';
            at = 1 + decimal(-(seconds + 1), number, 1);
            digits = 10_000_000 - fraction;
        }
        number[at++] = '.';
        for (int i = at + 6; i >= at; i--) {
            number[i] = (byte) ('0' + digits % 10);
            digits /= 10;
        }
        return at + 7;
    }

    /** The pax header's own name: {@code ./PaxHeaders.X/} and the entry's name, {@code /} as {@code _}. */
    private int paxName(byte[] name) {
        System.arraycopy(PAX_NAME, 0, paxName, 0, PAX_NAME.length);
        int at = PAX_NAME.length;
        for (int i = 0; i < name.length && at < paxName.length; i++) {
            byte c = name[i];
            if (c >= 0) {
                paxName[at++] = c == '/' || c == '\\' || c == 0 ? (byte) '_' : c;
            } else if ((c & 0xc0) != 0x80) {
                paxName[at++] = '_'; // one per non-ASCII character
            }
        }
        return at;
    }

    private void write(byte[] bytes, int length) throws IOException {
        int at = 0;
        while (at < length) {
            if (pos == buffer.length) {
                flushBuffer();
            }
            int n = Math.min(length - at, buffer.length - pos);
            System.arraycopy(bytes, at, buffer, pos, n);
            pos += n;
            at += n;
        }
    }

    /** Zeros after content of {@code size} bytes up to the next record; they always fit in the buffer. */
    private void pad(long size) {
        int padding = (int) (-size & (RECORD - 1));
        Arrays.fill(buffer, pos, pos + padding, (byte) 0);
        pos += padding;
    }

    /** Makes room for one record: the buffer holds whole records whenever a record starts. */
    private void room() throws IOException {
        if (pos == buffer.length) {
            flushBuffer();
        }
    }

    private void flushBuffer() throws IOException {
        if (pos > 0) {
            out.write(buffer, 0, pos);
            pos = 0;
        }
    }

    /**
     * @return where to split an ASCII name of more than 100 bytes into ustar's prefix (up to 155 bytes) and name
     *         (up to 100 bytes, not empty) at a {@code /}, as GNU tar does; -1 if it cannot be split
     */
    static int split(byte[] name) {
        int last = Math.min(PREFIX_LEN, name.length - 2);
        for (int i = Math.max(1, name.length - NAME_LEN - 1); i <= last; i++) {
            if (name[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    /** @return how many bytes of a UTF-8 string fit in {@code max} bytes without cutting a character */
    static int fit(byte[] utf8, int max) {
        if (utf8.length <= max) {
            return utf8.length;
        }
        int n = max;
        while (n > 0 && (utf8[n] & 0xc0) == 0x80) {
            n--;
        }
        return n;
    }

    private static boolean ascii(byte[] bytes) {
        for (byte c : bytes) {
            if (c < 0) {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code digits} octal digits, zero-padded, and a space. */
    private static void octal(byte[] b, int at, int digits, long value) {
        long v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            b[i] = (byte) ('0' + (v & 7));
            v >>>= 3;
        }
        b[at + digits] = ' ';
    }

    /** Writes a decimal number (negative ones with {@code -}). @return its length */
    private static int decimal(long value, byte[] b, int at) {
        if (value < 0) {
            b[at] = '-';
            return 1 + decimal(-value, b, at + 1); // no time or size reaches Long.MIN_VALUE
        }
        int digits = digits(value);
        long v = value;
        for (int i = at + digits - 1; i >= at; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
        return digits;
    }

    private static int digits(long value) {
        int digits = 1;
        for (long v = value; v >= 10; v /= 10) {
            digits++;
        }
        return digits;
    }

    private static byte[] bytes(String ascii) {
        return ascii.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] template() {
        byte[] t = new byte[RECORD];
        octal(t, 108, 7, 0); // uid
        octal(t, 116, 7, 0); // gid
        Arrays.fill(t, CHECKSUM, CHECKSUM + 8, (byte) ' ');
        System.arraycopy(bytes("ustar\0"), 0, t, 257, 6);
        t[263] = '0';
        t[264] = '0';
        octal(t, 329, 7, 0); // device major
        octal(t, 337, 7, 0); // device minor
        return t;
    }
}
