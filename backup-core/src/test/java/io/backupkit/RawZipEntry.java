package io.backupkit;

import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;

/**
 * A zip entry whose name is stored exactly as given, backslashes included, and flagged as made on Windows (an MS-DOS
 * "version made by", as PowerShell's {@code Compress-Archive} writes) or on Unix. A plain {@code ZipArchiveEntry}
 * would turn {@code \} into {@code /} as soon as it is made, so tests could not write what Windows tools write.
 *
 * <pre>{@code
 * out.putArchiveEntry(new RawZipEntry("Movies\\a\\Info.xml", true));   // as Compress-Archive 1.0 writes it
 * }</pre>
 */
public final class RawZipEntry extends ZipArchiveEntry {

    /**
     * @param name the name, stored as it is
     * @param madeOnWindows {@code true} for an MS-DOS "version made by" (Commons Compress then reads {@code \} as
     *        {@code /}, as Info-ZIP does), {@code false} for Unix (the name is read as stored)
     */
    public RawZipEntry(String name, boolean madeOnWindows) {
        super("entry");
        setPlatform(PLATFORM_UNIX);
        setName(name);
        setPlatform(madeOnWindows ? PLATFORM_FAT : PLATFORM_UNIX);
    }
}
