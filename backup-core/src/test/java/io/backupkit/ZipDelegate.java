package io.backupkit;

import io.backupkit.internal.zip.ZipArchiver;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * The zip archiver, for test archivers that change one thing about it: id, extension, default options, writing and
 * reading are plain zip's unless overridden. {@link #checkOptions} and {@link #contentOptions} stay the interface's
 * defaults.
 *
 * <pre>{@code
 * class Slow extends ZipDelegate {
 *     public void write(ArchiveWriteRequest request) throws IOException { Thread.sleep(100); super.write(request); }
 * }
 * }</pre>
 */
abstract class ZipDelegate implements Archiver {

    /** The archiver delegated to. */
    protected final ZipArchiver zip = new ZipArchiver();

    @Override
    public String id() {
        return "zip";
    }

    @Override
    public String extension() {
        return "zip";
    }

    @Override
    public Map<String, String> defaultOptions() {
        return zip.defaultOptions();
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        zip.write(request);
    }

    @Override
    public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        zip.read(archive, options, visitor);
    }
}
