package io.backupkit.internal.zip;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.ZoneId;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;

/**
 * Writes a zip archive front to back in memory that does not grow with the number of entries: each entry's local
 * header and data go to the archive, and its central directory record to a spill file beside it
 * ({@code <archive>.cd.tmp}, see {@link ZipCentralSpill}), which {@link #finish()} copies onto the end of the archive
 * before the end records. What it holds is a 1 MiB write buffer, a 64 KiB spill buffer, the copy buffers and one
 * deflater. The bytes are those Commons Compress's {@code ZipArchiveOutputStream} wrote for the same entries
 * ({@link ZipEntryHeader}, {@link ZipTimeFields}), but for the "made by" version of the entries of an archive past
 * 4 GiB: 4.5 on an entry whose own record needs ZIP64, 2.0 on the others (Commons stated 4.5 on every record once
 * any entry had needed ZIP64).
 *
 * <p>ZIP64: a file whose content is streamed ({@link #writeStream}) gets a ZIP64 extra field reserved in its local
 * header, as Commons did for every entry whose size it did not know, since the file may have grown past 4 GiB since
 * it was listed; once the data is written its CRC and sizes are filled in by seeking back, into the header and the
 * extra field, and the header's sizes read {@code 0xFFFFFFFF} only when one passes 4 GiB. Content given whole
 * ({@link #writeStored}, {@link #writePacked}) has its sizes in the header from the start and cannot reach 4 GiB
 * (a Java array). A central record gets a ZIP64 extra field with whichever of the sizes and the offset need it; the
 * ZIP64 end record and locator are written when any record did, or the archive has 65,535 entries or more, or the
 * central directory's size or offset reaches {@code 0xFFFFFFFF}.
 *
 * <pre>{@code
 * try (ZipStreamWriter zip = new ZipStreamWriter(archive, 6)) {
 *     zip.writeStored(new ZipStreamWriter.Entry("dir/", UnixStat.DIR_FLAG | 0755, mtime), new byte[0]);
 *     try (InputStream in = Files.newInputStream(file)) {
 *         zip.writeStream(new ZipStreamWriter.Entry("dir/a.txt", UnixStat.FILE_FLAG | 0644, mtime),
 *                 ZipEntry.DEFLATED, in);
 *     }
 *     zip.finish();
 * }
 * }</pre>
 */
final class ZipStreamWriter implements AutoCloseable {

    /** Bytes of archive gathered before they are written: many whole entries of a metadata folder. */
    static final int WRITE_BUFFER = 1024 * 1024;
    /** What is appended to the archive's name for the central directory spill file. */
    static final String SPILL_SUFFIX = ".cd.tmp";
    private static final int BUFFER = 128 * 1024;
    private static final int ZIP64_END = 0x06064b50;
    private static final int ZIP64_LOCATOR = 0x07064b50;
    private static final int END = 0x06054b50;
    /** Entries from this count on are recorded in the ZIP64 end record only. */
    private static final int ZIP64_ENTRIES = 0xffff;

    /**
     * One entry as the zip records it, besides its content.
     *
     * @param name the name in the archive: a folder's ends with {@code /}
     * @param unixMode the file type and permission bits ({@code UnixStat.FILE_FLAG | 0644})
     * @param mtime the modification time
     */
    record Entry(String name, int unixMode, FileTime mtime) {
    }

    private final Path archive;
    private final int level;
    private final BufferedWriteChannel channel;
    private final ZipCentralSpill spill;
    private final ZipTimeFields times = new ZipTimeFields(ZoneId.systemDefault());
    private final CRC32 crc = new CRC32();
    private byte[] input;
    private byte[] output;
    private Deflater deflater;
    /** Where the next byte of the archive goes. */
    private long position;
    private boolean zip64Records;
    private boolean finished;
    private boolean closed;

    /**
     * Creates the archive, which must not exist, and its spill file beside it. A spill file of the same name is a
     * leftover of an interrupted run (the archive's own creation shows that no other writer has the name) and is
     * replaced.
     *
     * @param archive the zip to write
     * @param level the deflate level, 0-9, for the entries written {@link ZipEntry#DEFLATED}
     * @throws java.nio.file.FileAlreadyExistsException if the archive exists
     * @throws IOException if the archive or the spill file cannot be created
     */
    ZipStreamWriter(Path archive, int level) throws IOException {
        if (level < 0 || level > 9) {
            throw new IllegalArgumentException("deflate level must be 0-9, was " + level);
        }
        this.archive = archive;
        this.level = level;
        FileChannel file = FileChannel.open(archive, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        try {
            this.channel = new BufferedWriteChannel(file, WRITE_BUFFER);
            Path spillFile = spillFile(archive);
            Files.deleteIfExists(spillFile);
            this.spill = new ZipCentralSpill(spillFile);
        } catch (IOException | RuntimeException e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * @param archive a zip archive
     * @return the spill file its writer uses: {@code <archive>.cd.tmp}, beside it
     */
    static Path spillFile(Path archive) {
        return archive.resolveSibling(archive.getFileName() + SPILL_SUFFIX);
    }

    /**
     * Writes an entry STORED with the given content: a folder (no content) or a link (its target).
     *
     * @param entry the entry
     * @param content its whole content
     * @throws IOException if the archive cannot be written
     */
    void writeStored(Entry entry, byte[] content) throws IOException {
        crc.reset();
        crc.update(content, 0, content.length);
        writePacked(entry, ZipEntry.STORED, content, content.length, content.length, crc.getValue());
    }

    /**
     * Writes an entry whose data is ready: compressed already for {@link ZipEntry#DEFLATED} (raw deflate, no zlib
     * header), the content itself for {@link ZipEntry#STORED}.
     *
     * @param entry the entry
     * @param method how the data is stored
     * @param data the data, from index 0
     * @param length the bytes of data
     * @param size the size of the content
     * @param contentCrc the CRC-32 of the content
     * @throws IOException if the archive cannot be written, or the entry cannot be recorded in a zip
     */
    void writePacked(Entry entry, int method, byte[] data, int length, long size, long contentCrc)
            throws IOException {
        ZipEntryHeader h = header(entry, method);
        long offset = position;
        write(h.local(contentCrc, length, size, false));
        write(data, 0, length);
        record(h, contentCrc, length, size, offset);
    }

    /**
     * Writes an entry whose content is read to its end from a stream, deflated at the writer's level or stored,
     * then fills in its CRC and sizes in the local header. The stream is not closed.
     *
     * @param entry the entry
     * @param method {@link ZipEntry#DEFLATED} or {@link ZipEntry#STORED}
     * @param in the content
     * @throws IOException if the content cannot be read (as the stream reports it), or the archive written
     */
    void writeStream(Entry entry, int method, InputStream in) throws IOException {
        ZipEntryHeader h = header(entry, method);
        long offset = position;
        write(h.local(0, 0, 0, true)); // sizes filled in below, in the header's place
        if (input == null) {
            input = new byte[BUFFER];
        }
        crc.reset();
        long size = 0;
        long dataStart = position;
        Deflater d = method == ZipEntry.DEFLATED ? deflater() : null;
        int n;
        while ((n = in.read(input)) >= 0) {
            crc.update(input, 0, n);
            size += n;
            if (d == null) {
                write(input, 0, n);
            } else {
                d.setInput(input, 0, n);
                while (!d.needsInput()) {
                    write(output, 0, d.deflate(output));
                }
            }
        }
        if (d != null) {
            d.finish();
            while (!d.finished()) {
                write(output, 0, d.deflate(output));
            }
        }
        long compressed = position - dataStart;
        overwrite(offset, h.local(crc.getValue(), compressed, size, true));
        record(h, crc.getValue(), compressed, size, offset);
    }

    /**
     * Writes the central directory (copied from the spill file), the ZIP64 end record and locator when needed, and
     * the end-of-central-directory record. The archive is complete once {@link #close()} has written what is
     * buffered.
     *
     * @throws IOException if the spill file cannot be read back or the archive written
     */
    void finish() throws IOException {
        ensureWriting();
        finished = true;
        long cdOffset = position;
        spill.copyTo(channel);
        position += spill.length();
        long cdLength = spill.length();
        long entries = spill.entries();
        if (zip64Records || entries >= ZIP64_ENTRIES || cdLength >= ZipEntryHeader.ZIP64_MAGIC
                || cdOffset >= ZipEntryHeader.ZIP64_MAGIC) {
            long zip64End = position;
            ByteBuffer b = le(56 + 20);
            b.putInt(ZIP64_END).putLong(44); // the size of the rest of the record
            b.putShort((short) ZipEntryHeader.ZIP64_VERSION).putShort((short) ZipEntryHeader.ZIP64_VERSION);
            b.putInt(0).putInt(0); // this disk, the disk where the central directory starts
            b.putLong(entries).putLong(entries).putLong(cdLength).putLong(cdOffset);
            b.putInt(ZIP64_LOCATOR).putInt(0).putLong(zip64End).putInt(1); // its disk, offset, number of disks
            write(b.array());
        }
        ByteBuffer b = le(22);
        b.putInt(END).putShort((short) 0).putShort((short) 0);
        b.putShort((short) Math.min(entries, ZIP64_ENTRIES)).putShort((short) Math.min(entries, ZIP64_ENTRIES));
        b.putInt((int) Math.min(cdLength, ZipEntryHeader.ZIP64_MAGIC));
        b.putInt((int) Math.min(cdOffset, ZipEntryHeader.ZIP64_MAGIC));
        b.putShort((short) 0); // comment length
        write(b.array());
    }

    /**
     * Writes what is buffered and closes the archive (incomplete unless {@link #finish()} was called), deletes the
     * spill file and frees the deflater, whatever fails on the way.
     *
     * @throws IOException if the archive's last bytes cannot be written, or the spill file deleted
     */
    @Override
    public void close() throws IOException {
        if (closed) {
            return;
        }
        closed = true;
        try (BufferedWriteChannel c = channel; ZipCentralSpill s = spill) {
            // both closed, the spill file first
        } finally {
            if (deflater != null) {
                deflater.end();
            }
        }
    }

    private ZipEntryHeader header(Entry entry, int method) throws IOException {
        ensureWriting();
        byte[] name = entry.name().getBytes(StandardCharsets.UTF_8);
        if (name.length > 0xffff) {
            throw new IOException("Cannot write '" + entry.name() + "' to " + archive + ": its name is "
                    + name.length + " bytes in UTF-8, a zip holds at most 65535");
        }
        byte[] timeExtra;
        try {
            timeExtra = times.extra(entry.mtime());
        } catch (ArithmeticException e) {
            throw new IOException("Cannot write '" + entry.name() + "' to " + archive + ": its modification time "
                    + entry.mtime() + " is out of the range a zip holds", e);
        }
        return new ZipEntryHeader(name, timeExtra, times.dosTime(entry.mtime()), method, entry.unixMode());
    }

    private void record(ZipEntryHeader h, long contentCrc, long compressed, long size, long offset)
            throws IOException {
        zip64Records |= ZipEntryHeader.centralNeedsZip64(compressed, size, offset);
        spill.add(h.central(contentCrc, compressed, size, offset));
    }

    private Deflater deflater() {
        if (deflater == null) {
            deflater = new Deflater(level, true);
            output = new byte[BUFFER];
        } else {
            deflater.reset();
        }
        return deflater;
    }

    private void write(byte[] b) throws IOException {
        write(b, 0, b.length);
    }

    private void write(byte[] b, int offset, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.wrap(b, offset, length);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        position += length;
    }

    /** Writes over bytes written before (still in the write buffer, or on disk); the position stays. */
    private void overwrite(long at, byte[] b) throws IOException {
        channel.position(at);
        ByteBuffer buffer = ByteBuffer.wrap(b);
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        channel.position(position);
    }

    private void ensureWriting() {
        if (finished || closed) {
            throw new IllegalStateException("the zip archive " + archive + " is " + (closed ? "closed" : "finished"));
        }
    }

    private static ByteBuffer le(int size) {
        return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    }
}
