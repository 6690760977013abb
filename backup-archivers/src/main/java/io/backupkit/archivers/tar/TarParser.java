package io.backupkit.archivers.tar;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;

/**
 * BackupKit's own reader of an uncompressed tar stream: ustar, pax (POSIX.1-2001) and GNU headers, one entry at a
 * time, names exactly as stored (a leading {@code /} or {@code ..} is reported, never stripped, so the engine can
 * refuse it).
 *
 * <pre>{@code
 * TarParser tar = new TarParser(decompressed);
 * for (TarParser.Header h; (h = tar.next()) != null; ) {
 *     h.name(); tar.read(buffer, 0, buffer.length); ...
 * }
 * if (!tar.sawEndMarker()) ... // truncated
 * }</pre>
 *
 * <p>What it reads: the ustar {@code prefix} joined to the name (POSIX magic only; GNU headers use that field for
 * other things), pax {@code path}, {@code linkpath}, {@code size} and {@code mtime} (with its fraction), GNU long
 * names and long link targets ({@code L}, {@code K}), octal numbers and GNU base-256 numbers, header checksums in
 * the unsigned and the historic signed form. Global pax headers ({@code g}) are checked for form and otherwise
 * ignored. Sparse entries (GNU {@code S} headers and the {@code GNU.sparse.*} pax keys) are refused with a clear
 * error: BackupKit does not write them and does not expand them.
 *
 * <p>Against hostile archives: a wrong header checksum fails (as GNU tar refuses it), the extended headers of one
 * entry may not exceed {@link TarReader#MAX_HEADER_BYTES} bytes (checked before they are read into memory) nor chain
 * more than {@link TarReader#MAX_HEADER_CHAIN}, and a stream that ends inside a header or an entry's content fails
 * with an {@link EOFException}. Commons Compress's reader was replaced by this one because it allocated a fresh
 * buffer to skip the end of every entry and decoded each name through a charset decoder: a restore spent more time
 * there than in zstd.
 */
final class TarParser {

    static final int RECORD = 512;

    private static final int NAME = 0;
    private static final int MODE = 100;
    private static final int SIZE = 124;
    private static final int MTIME = 136;
    private static final int CHECKSUM = 148;
    private static final int TYPE = 156;
    private static final int LINK = 157;
    private static final int MAGIC = 257;
    private static final int PREFIX = 345;

    private final InputStream in;
    private final byte[] record = new byte[RECORD];
    private final byte[] skipBuffer = new byte[64 * 1024];
    private long remaining;
    private long padding;
    private boolean sawEndMarker;

    /** One entry's header, with its extended headers applied. */
    record Header(String name, byte type, long size, int mode, FileTime mtime, String linkName) {
    }

    /**
     * @param in the uncompressed tar stream; buffered by the caller (headers are read 512 bytes at a time)
     */
    TarParser(InputStream in) {
        this.in = in;
    }

    /** @return whether the stream held tar's end-of-archive marker (a zero record) where the next header was due */
    boolean sawEndMarker() {
        return sawEndMarker;
    }

    /**
     * Skips what is left of the current entry and reads the next header, with the extended headers before it.
     *
     * @return the next entry, or {@code null} at the end-of-archive marker or at the end of the stream (see
     *         {@link #sawEndMarker()})
     * @throws IOException if a header is damaged, truncated or over the limits
     */
    Header next() throws IOException {
        skipRest();
        String paxPath = null;
        String paxLink = null;
        long paxSize = -1;
        FileTime paxMtime = null;
        String longName = null;
        String longLink = null;
        long headerBytes = 0;
        int chain = 0;
        while (true) {
            if (!readRecord()) {
                return null;
            }
            if (isZero(record)) {
                sawEndMarker = true;
                readRecord(); // the second zero record, when it is there
                return null;
            }
            String fieldName = string(record, NAME, 100);
            checkSum(fieldName);
            byte type = record[TYPE];
            long size = number(record, SIZE, 12, "size", fieldName);
            if (size < 0) {
                throw new IOException("the header of '" + fieldName + "' has a negative size");
            }
            if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
                if (++chain > TarReader.MAX_HEADER_CHAIN) {
                    throw new IOException("more than " + TarReader.MAX_HEADER_CHAIN + " extended headers in a row");
                }
                if (size > TarReader.MAX_HEADER_BYTES - headerBytes) {
                    throw new IOException("the headers of one entry exceed "
                            + TarReader.MAX_HEADER_BYTES / (1024 * 1024) + " MiB");
                }
                headerBytes += size;
                byte[] data = readData((int) size);
                switch (type) {
                    case 'x' -> {
                        Pax pax = Pax.parse(data, fieldName);
                        if (pax.sparse) {
                            throw sparse(pax.path != null ? pax.path : fieldName);
                        }
                        paxPath = pax.path != null ? pax.path : paxPath;
                        paxLink = pax.linkPath != null ? pax.linkPath : paxLink;
                        paxSize = pax.size >= 0 ? pax.size : paxSize;
                        paxMtime = pax.mtime != null ? pax.mtime : paxMtime;
                    }
                    case 'g' -> Pax.parse(data, fieldName); // form checked; global values are not applied
                    case 'L' -> longName = gnuString(data);
                    default -> longLink = gnuString(data);
                }
                continue;
            }
            String name = paxPath != null ? paxPath : longName != null ? longName : ustarName(fieldName);
            if (type == 'S') {
                throw sparse(name);
            }
            String link = paxLink != null ? paxLink : longLink != null ? longLink : string(record, LINK, 100);
            long entrySize = paxSize >= 0 ? paxSize : size;
            int mode = (int) (number(record, MODE, 8, "mode", name) & 07777);
            FileTime mtime = paxMtime != null ? paxMtime
                    : FileTime.from(Instant.ofEpochSecond(number(record, MTIME, 12, "mtime", name)));
            remaining = entrySize;
            padding = (RECORD - entrySize % RECORD) % RECORD;
            return new Header(name, type, entrySize, mode, mtime, link.isEmpty() ? null : link);
        }
    }

    /**
     * Reads the current entry's content.
     *
     * @return bytes read, or -1 at the end of the entry
     * @throws EOFException if the stream ends inside the content
     */
    int read(byte[] b, int off, int len) throws IOException {
        if (remaining <= 0) {
            return -1;
        }
        if (len == 0) {
            return 0;
        }
        int n = in.read(b, off, (int) Math.min(len, remaining));
        if (n < 0) {
            throw new EOFException(remaining + " bytes of the entry's content are missing");
        }
        remaining -= n;
        return n;
    }

    /** @return bytes of the current entry's content that can be read without blocking, at most what is left */
    int available() throws IOException {
        return (int) Math.min(remaining, in.available());
    }

    private void skipRest() throws IOException {
        while (remaining > 0) {
            int n = in.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, remaining));
            if (n < 0) {
                throw new EOFException(remaining + " bytes of the entry's content are missing");
            }
            remaining -= n;
        }
        skipFully(padding);
        padding = 0;
    }

    private void skipFully(long n) throws IOException {
        while (n > 0) {
            int got = in.read(skipBuffer, 0, (int) Math.min(skipBuffer.length, n));
            if (got < 0) {
                throw new EOFException("the stream ends inside an entry's record padding");
            }
            n -= got;
        }
    }

    /** @return {@code false} at a clean end of the stream; fails when it ends inside the record */
    private boolean readRecord() throws IOException {
        int got = 0;
        while (got < RECORD) {
            int n = in.read(record, got, RECORD - got);
            if (n < 0) {
                if (got == 0) {
                    return false;
                }
                throw new EOFException("the stream ends inside a tar header, after " + got + " of its 512 bytes");
            }
            got += n;
        }
        return true;
    }

    private byte[] readData(int size) throws IOException {
        byte[] data = new byte[size];
        int got = 0;
        while (got < size) {
            int n = in.read(data, got, size - got);
            if (n < 0) {
                throw new EOFException("the stream ends inside an extended header");
            }
            got += n;
        }
        skipFully((RECORD - size % RECORD) % RECORD);
        return data;
    }

    private static boolean isZero(byte[] r) {
        for (byte b : r) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    /** GNU tar and POSIX sum the bytes unsigned; some old writers summed them signed: both are accepted. */
    private void checkSum(String name) throws IOException {
        long stored;
        try {
            stored = octal(record, CHECKSUM, 8);
        } catch (NumberFormatException e) {
            throw new IOException("the header of '" + name + "' has a wrong checksum (not a number)");
        }
        long unsigned = 0;
        long signed = 0;
        for (int i = 0; i < RECORD; i++) {
            byte b = i >= CHECKSUM && i < CHECKSUM + 8 ? (byte) ' ' : record[i];
            unsigned += b & 0xff;
            signed += b;
        }
        if (stored != unsigned && stored != signed) {
            throw new IOException("the header of '" + name + "' has a wrong checksum");
        }
    }

    private String ustarName(String name) {
        boolean posix = record[MAGIC] == 'u' && record[MAGIC + 1] == 's' && record[MAGIC + 2] == 't'
                && record[MAGIC + 3] == 'a' && record[MAGIC + 4] == 'r' && record[MAGIC + 5] == 0;
        if (!posix || record[PREFIX] == 0) {
            return name;
        }
        return string(record, PREFIX, 155) + "/" + name;
    }

    private static IOException sparse(String name) {
        return new IOException("'" + name + "' is a sparse file entry, which BackupKit does not read; create the "
                + "archive without --sparse");
    }

    /** @return the bytes up to the first NUL (or the field's end), as UTF-8 */
    static String string(byte[] b, int off, int len) {
        int end = off;
        int limit = off + len;
        boolean ascii = true;
        while (end < limit && b[end] != 0) {
            ascii &= b[end] >= 0;
            end++;
        }
        return ascii ? new String(b, off, end - off, StandardCharsets.ISO_8859_1)
                : new String(b, off, end - off, StandardCharsets.UTF_8);
    }

    /** A GNU long name or link: the data with its trailing NULs cut. */
    private static String gnuString(byte[] data) {
        int end = data.length;
        while (end > 0 && data[end - 1] == 0) {
            end--;
        }
        return new String(data, 0, end, StandardCharsets.UTF_8);
    }

    private static long number(byte[] b, int off, int len, String field, String name) throws IOException {
        if ((b[off] & 0x80) != 0) {
            // GNU base-256: the first byte's high bit marks it, 0xff a negative number
            boolean negative = (b[off] & 0xff) == 0xff;
            if (!negative && (b[off] & 0xff) != 0x80) {
                throw new IOException("the " + field + " field of '" + name + "' is not a number");
            }
            long v = negative ? -1 : 0;
            for (int i = off + 1; i < off + len; i++) {
                if (!negative && (v >>> 55) != 0) {
                    throw new IOException("the " + field + " field of '" + name + "' is too large");
                }
                v = (v << 8) | (b[i] & 0xff);
            }
            return v;
        }
        try {
            return octal(b, off, len);
        } catch (NumberFormatException e) {
            throw new IOException("the " + field + " field of '" + name + "' is not an octal number");
        }
    }

    /** Octal digits between optional leading spaces and a NUL or space; an all-NUL or blank field is 0. */
    private static long octal(byte[] b, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end && b[i] == ' ') {
            i++;
        }
        long v = 0;
        int digits = 0;
        for (; i < end; i++) {
            byte c = b[i];
            if (c == 0 || c == ' ') {
                break;
            }
            if (c < '0' || c > '7' || digits++ > 21) {
                throw new NumberFormatException();
            }
            v = (v << 3) | (c - '0');
        }
        for (; i < end; i++) {
            if (b[i] != 0 && b[i] != ' ') {
                throw new NumberFormatException();
            }
        }
        return v;
    }

    /** The values of one pax extended header that matter for reading. */
    private static final class Pax {
        String path;
        String linkPath;
        long size = -1;
        FileTime mtime;
        boolean sparse;

        /** Records are {@code "<length> <key>=<value>\n"}, the length counting the whole record. */
        static Pax parse(byte[] data, String header) throws IOException {
            Pax pax = new Pax();
            int at = 0;
            while (at < data.length) {
                if (data[at] == 0) {
                    break; // some writers pad the header's data with NULs
                }
                int space = at;
                long length = 0;
                while (space < data.length && data[space] >= '0' && data[space] <= '9') {
                    length = length * 10 + (data[space] - '0');
                    if (length > data.length) {
                        throw malformed(header, "a record longer than the header");
                    }
                    space++;
                }
                if (space == at || space >= data.length || data[space] != ' ') {
                    throw malformed(header, "a record without its length");
                }
                int end = (int) (at + length);
                if (length <= space - at + 1 || end > data.length || data[end - 1] != '\n') {
                    throw malformed(header, "a record whose length does not match");
                }
                int equals = space + 1;
                while (equals < end && data[equals] != '=') {
                    equals++;
                }
                if (equals >= end - 1 || equals == space + 1) {
                    throw malformed(header, "a record without a key or '='");
                }
                String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
                String value = new String(data, equals + 1, end - 1 - equals - 1, StandardCharsets.UTF_8);
                pax.apply(key, value, header);
                at = end;
            }
            return pax;
        }

        private void apply(String key, String value, String header) throws IOException {
            if (key.startsWith("GNU.sparse.")) {
                sparse = true;
                return;
            }
            switch (key) {
                case "path" -> path = value.isEmpty() ? null : value;
                case "linkpath" -> linkPath = value.isEmpty() ? null : value;
                case "size" -> size = value.isEmpty() ? -1 : decimal(value, key, header);
                case "mtime" -> mtime = value.isEmpty() ? null : time(value, header);
                default -> {
                    // uid, gid, uname, gname, atime, ctime, charset, comment, vendor keys: not kept
                }
            }
        }

        private static long decimal(String value, String key, String header) throws IOException {
            if (value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw malformed(header, "'" + key + "' is not a size: " + value);
            }
            return Long.parseLong(value);
        }

        private static FileTime time(String value, String header) throws IOException {
            int dot = value.indexOf('.');
            String whole = dot < 0 ? value : value.substring(0, dot);
            String fraction = dot < 0 ? "" : value.substring(dot + 1);
            boolean negative = whole.startsWith("-");
            String digits = negative ? whole.substring(1) : whole;
            if (digits.isEmpty() || digits.length() > 18 || !digits.chars().allMatch(c -> c >= '0' && c <= '9')
                    || !fraction.chars().allMatch(c -> c >= '0' && c <= '9')) {
                throw malformed(header, "'mtime' is not a time: " + value);
            }
            long seconds = Long.parseLong(digits);
            String nine = (fraction + "000000000").substring(0, 9);
            long nanos = Long.parseLong(nine);
            Instant t = negative ? Instant.ofEpochSecond(-seconds).minusNanos(nanos)
                    : Instant.ofEpochSecond(seconds, nanos);
            return FileTime.from(t);
        }

        private static IOException malformed(String header, String what) {
            return new IOException("the pax header '" + header + "' is malformed: " + what);
        }
    }
}
