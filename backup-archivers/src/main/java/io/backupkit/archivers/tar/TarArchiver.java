package io.backupkit.archivers.tar;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What the three tar archivers share: the tar writer and reader; each subclass adds its compression and options.
 *
 * <pre>{@code
 * Archiver zst = new TarZstArchiver();   // or TarGzArchiver, TarXzArchiver
 * zst.read(Path.of("Metadata.tar.zst"), Map.of(), (entry, in) -> System.out.println(entry));
 * }</pre>
 */
abstract sealed class TarArchiver implements Archiver permits TarGzArchiver, TarXzArchiver, TarZstArchiver {

    /** Between the compressor and the file. */
    private static final int FILE_BUFFER = 256 * 1024;

    /**
     * Option of every tar archiver: threads per unit that open, read and hash its small files ahead of the thread
     * that writes the tar stream ({@link TarAhead}), 0-{@value #MAX_READERS} or {@code auto} (default): 1 on machines
     * with up to 2 cores, else 2. 0 reads every file on the writing thread. The archive's bytes do not depend on it,
     * so it is not a content option: archives written with any number are reused alike.
     */
    static final String READERS = "readers";
    /** Default of the {@code readers} option. */
    static final String DEFAULT_READERS = "auto";
    /** Most reader threads per unit accepted. */
    static final int MAX_READERS = 16;

    /** Wraps the archive file in a compressing stream. */
    @FunctionalInterface
    interface Compressor {
        /**
         * @param file the archive file's stream
         * @return a stream that compresses into {@code file} and closes it when closed
         * @throws IOException if the compressor cannot be set up
         */
        OutputStream open(OutputStream file) throws IOException;
    }

    /**
     * Parses and checks the options, before anything is written.
     *
     * @param options the plan's options merged over the defaults
     * @return the compressor they describe
     * @throws IOException if an option has a bad value
     */
    abstract Compressor compressor(Map<String, String> options) throws IOException;

    /**
     * @param options the options the archive was written with
     * @return the most memory the xz decoder may use when reading
     * @throws IOException if the option has a bad value
     */
    int xzMemoryLimitMiB(Map<String, String> options) throws IOException {
        return TarReader.DEFAULT_XZ_MEMORY_LIMIT_MIB;
    }

    /** @return what {@code readers=auto} means on this machine: 1 with up to 2 cores, else 2 */
    static int autoReaders() {
        return Runtime.getRuntime().availableProcessors() <= 2 ? 1 : 2;
    }

    private int readers(Map<String, String> options) throws IOException {
        return TarOptions.integerOrAuto(id(), options, READERS, autoReaders(), 0, MAX_READERS);
    }

    /** @return the default options but {@code readers}, which changes how fast an archive is written, not its bytes */
    @Override
    public final java.util.Set<String> contentOptions() {
        java.util.Set<String> content = new java.util.TreeSet<>(defaultOptions().keySet());
        content.remove(READERS);
        return java.util.Set.copyOf(content);
    }

    /**
     * Checks the option values when the plan is built, with the same rules (and messages) as {@link #write}.
     *
     * @param options the plan's options merged over the defaults
     * @return the problem with the options, or nothing
     */
    @Override
    public final List<String> checkOptions(Map<String, String> options) {
        try {
            compressor(options);
            xzMemoryLimitMiB(options);
            readers(options);
            return List.of();
        } catch (IOException e) {
            return List.of(e.getMessage());
        }
    }

    /**
     * @return the id: archives are named {@code <unit>.tar.gz}, {@code .tar.xz} or {@code .tar.zst}
     */
    @Override
    public final String extension() {
        return id();
    }

    /**
     * Writes the unit as a pax tar archive, compressed. A file that vanished since the walk is left out.
     *
     * @param request the unit to write
     * @throws IOException if an option has a bad value, a source file cannot be read or the archive cannot be
     *         written
     */
    @Override
    public final void write(ArchiveWriteRequest request) throws IOException {
        Compressor compressor = compressor(request.options());
        int readers = readers(request.options());
        OutputStream file = request.create(); // written in one pass: hashed on its way, not read back
        OutputStream out;
        try {
            out = compressor.open(new BufferedOutputStream(file, FILE_BUFFER));
        } catch (IOException | RuntimeException | Error e) {
            try {
                file.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        TarWriter.write(request, out, readers);
    }

    /**
     * Reads a tar archive, plain or compressed with any of gzip, xz or zstd (recognised by its magic bytes, not by
     * this archiver's id), and reports every entry with its name exactly as stored.
     *
     * @param archive the archive
     * @param options the options it was written with ({@code memoryLimitMiB} counts for xz)
     * @param visitor receives each entry
     * @throws IOException if the archive is damaged or truncated, or the visitor throws
     */
    @Override
    public final void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        TarReader.read(archive, xzMemoryLimitMiB(options), visitor);
    }

    /** @return {@code true}: a tar archive, compressed or not, is read front to back */
    @Override
    public final boolean readsStreams() {
        return true;
    }

    @Override
    public final void read(Path archive, InputStream content, Map<String, String> options, EntryVisitor visitor)
            throws IOException {
        TarReader.read(archive, content, xzMemoryLimitMiB(options), visitor);
    }

    @Override
    public String toString() {
        return getClass().getSimpleName();
    }
}
