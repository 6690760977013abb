package io.backupkit.internal.zip;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.zip.ZipException;

/**
 * Walks a zip archive's central directory header by header, holding only the current one: its fixed fields, its
 * name and its extra data, in buffers reused for every header. The headers must fill the central directory exactly
 * (a digital signature record may end it); anything else there is damage, reported naming the archive, the header's
 * number and its position.
 *
 * <p>Names flagged UTF-8 (general purpose bit 11, which BackupKit's writer always sets) are read as UTF-8; so is an
 * unflagged name carrying an Info-ZIP Unicode path field made for it, and an unflagged name whose bytes are valid
 * UTF-8 (what Commons Compress assumed, and what Info-ZIP writes on Linux). Other unflagged names are read as
 * CP437, the zip format's original code page. On an entry made on MS-DOS or Windows whose name has no {@code /},
 * {@code \} separates folders, as Commons Compress and Info-ZIP read it.
 *
 * <pre>{@code
 * CentralHeaders headers = new CentralHeaders(channel, archive, ZipCentralDirectory.locate(channel, archive));
 * while (headers.next()) {
 *     use(headers.name(), headers.size(), headers.localHeaderOffset());
 * }
 * }</pre>
 */
final class CentralHeaders {

    private static final int SIGNATURE = 0x02014b50;
    private static final int DIGITAL_SIGNATURE = 0x05054b50;
    private static final int FIXED = 46;
    private static final int BUFFER = 64 * 1024;
    private static final int FAT = 0;
    private static final Charset CP437 = Charset.isSupported("IBM437") ? Charset.forName("IBM437")
            : StandardCharsets.ISO_8859_1;

    private final ChannelInput in;
    private final Path archive;
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    private final byte[] fixed = new byte[FIXED];
    private byte[] name = new byte[256];
    private int nameLength;
    private byte[] extra = new byte[256];
    private int extraLength;
    private long number;
    private long headerAt;
    /** Set by a digital signature record: the headers end there. */
    private boolean ended;
    private boolean resolved;
    private long size;
    private long compressedSize;
    private long localHeaderOffset;

    /**
     * @param ch the archive, read through positional reads; not closed by this
     * @param archive its path, named in messages
     * @param at where its central directory lies
     */
    CentralHeaders(FileChannel ch, Path archive, ZipCentralDirectory.Location at) {
        this.in = new ChannelInput(ch, archive, BUFFER);
        this.archive = archive;
        in.seek(at.offset(), at.end());
    }

    /**
     * Reads the next header.
     *
     * @return whether there was one; false at the central directory's end
     * @throws ZipException if the central directory is damaged: a header without its signature, or running past
     *         the central directory's end
     * @throws IOException if the file cannot be read
     */
    boolean next() throws IOException {
        long left = in.remaining();
        if (ended || left == 0) {
            return false;
        }
        headerAt = in.position();
        if (left >= 4) {
            in.readFully(fixed, 0, 4);
            int signature = (int) ZipExtraFields.u32(fixed, 0);
            if (signature == DIGITAL_SIGNATURE) {
                ended = true;
                return false;
            }
            if (signature != SIGNATURE) {
                throw damaged("has no header signature (found 0x" + Integer.toHexString(signature) + ")");
            }
        }
        if (left < FIXED) {
            throw damaged("is cut short: " + left + " bytes are left of the central directory, a header needs "
                    + FIXED);
        }
        in.readFully(fixed, 4, FIXED - 4);
        nameLength = ZipExtraFields.u16(fixed, 28);
        extraLength = ZipExtraFields.u16(fixed, 30);
        int commentLength = ZipExtraFields.u16(fixed, 32);
        long variable = (long) nameLength + extraLength + commentLength;
        if (variable > in.remaining()) {
            throw damaged("has a name, extra fields and comment of " + variable + " bytes, past the central "
                    + "directory's end (" + in.remaining() + " bytes left)");
        }
        if (name.length < nameLength) {
            name = new byte[Math.max(nameLength, name.length * 2)];
        }
        if (extra.length < extraLength) {
            extra = new byte[Math.max(extraLength, extra.length * 2)];
        }
        in.readFully(name, 0, nameLength);
        in.readFully(extra, 0, extraLength);
        in.skip(commentLength);
        number++;
        resolved = false;
        return true;
    }

    /** @return the file position of the current header (or of the one being read) */
    long headerAt() {
        return headerAt;
    }

    /** @return the version-made-by field: the high byte is the platform (3 = Unix), the low the zip version */
    int versionMadeBy() {
        return ZipExtraFields.u16(fixed, 4);
    }

    /** @return the platform the entry was made on: the high byte of {@link #versionMadeBy()}, low nibble */
    int platform() {
        return (versionMadeBy() >> 8) & 0x0f;
    }

    /** @return the general purpose bit flags */
    int flags() {
        return ZipExtraFields.u16(fixed, 8);
    }

    /** @return the compression method */
    int method() {
        return ZipExtraFields.u16(fixed, 10);
    }

    /** @return the DOS date (high 16 bits) and time (low 16 bits) */
    long dosTime() {
        return ZipExtraFields.u32(fixed, 12);
    }

    /** @return the CRC-32 of the content */
    long crc() {
        return ZipExtraFields.u32(fixed, 16);
    }

    /** @return the external attributes: the Unix mode in the high 16 bits on entries made on Unix */
    long externalAttributes() {
        return ZipExtraFields.u32(fixed, 38);
    }

    /**
     * @return the content's size, from the ZIP64 field when the header's is 0xFFFFFFFF
     * @throws ZipException if the ZIP64 field is too short for the values it must hold
     */
    long size() throws ZipException {
        resolveZip64();
        return size;
    }

    /**
     * @return the size of the stored (compressed) data, from the ZIP64 field when the header's is 0xFFFFFFFF
     * @throws ZipException if the ZIP64 field is too short for the values it must hold
     */
    long compressedSize() throws ZipException {
        resolveZip64();
        return compressedSize;
    }

    /**
     * @return the file position of the entry's local header, from the ZIP64 field when the header's is 0xFFFFFFFF
     * @throws ZipException if the ZIP64 field is too short for the values it must hold
     */
    long localHeaderOffset() throws ZipException {
        resolveZip64();
        return localHeaderOffset;
    }

    /** @return the entry's name, read as the class comment says */
    String name() {
        String decoded;
        if ((flags() & 0x800) != 0) {
            decoded = new String(name, 0, nameLength, StandardCharsets.UTF_8);
        } else {
            decoded = ZipExtraFields.unicodePath(extra, extraLength, name, nameLength);
            if (decoded == null) {
                decoded = utf8OrCp437();
            }
        }
        if (platform() == FAT && decoded.indexOf('/') < 0) {
            decoded = decoded.replace('\\', '/');
        }
        return decoded;
    }

    /** @return the extra data of the current header, valid until {@link #next()}; see {@link #extraLength()} */
    byte[] extra() {
        return extra;
    }

    /** @return how many bytes of {@link #extra()} hold the current header's extra data */
    int extraLength() {
        return extraLength;
    }

    /**
     * @param what what is wrong with the header being read
     * @return an exception naming the archive, the header's number and position
     */
    private ZipException damaged(String what) {
        return new ZipException(archive + " is damaged: central directory header " + (number + 1) + " at byte "
                + headerAt + " " + what);
    }

    private String utf8OrCp437() {
        try {
            return utf8.decode(ByteBuffer.wrap(name, 0, nameLength)).toString();
        } catch (CharacterCodingException notUtf8) {
            return new String(name, 0, nameLength, CP437);
        }
    }

    /** ZIP64 field: the uncompressed size, compressed size and offset, each only where the header's is saturated. */
    private void resolveZip64() throws ZipException {
        if (resolved) {
            return;
        }
        size = ZipExtraFields.u32(fixed, 24);
        compressedSize = ZipExtraFields.u32(fixed, 20);
        localHeaderOffset = ZipExtraFields.u32(fixed, 42);
        boolean needSize = size == 0xffffffffL;
        boolean needCompressed = compressedSize == 0xffffffffL;
        boolean needOffset = localHeaderOffset == 0xffffffffL;
        if (needSize || needCompressed || needOffset) {
            int at = ZipExtraFields.find(extra, extraLength, ZipExtraFields.ZIP64);
            if (at >= 0) {
                int length = ZipExtraFields.dataLength(extra, at);
                int wanted = 8 * ((needSize ? 1 : 0) + (needCompressed ? 1 : 0) + (needOffset ? 1 : 0));
                if (length < wanted) {
                    throw new ZipException(archive + " is damaged: the ZIP64 field of '" + name() + "' holds "
                            + length + " bytes, its header needs " + wanted);
                }
                int p = at;
                if (needSize) {
                    size = ZipExtraFields.s64(extra, p);
                    p += 8;
                }
                if (needCompressed) {
                    compressedSize = ZipExtraFields.s64(extra, p);
                    p += 8;
                }
                if (needOffset) {
                    localHeaderOffset = ZipExtraFields.s64(extra, p);
                }
            }
        }
        if (size < 0 || compressedSize < 0 || localHeaderOffset < 0) {
            throw new ZipException(archive + " is damaged: the ZIP64 field of '" + name() + "' holds a size or "
                    + "offset past 2^63");
        }
        resolved = true;
    }
}
