package io.backupkit;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One piece of a backup that another tool wrote as several archives and folders (PlexBackup's root-files zip, one zip
 * per top-level folder, plain copies of long-path folders): an archive or a plain folder, and the folder of the
 * target it holds the content of. Restored together by {@link RestoreRequest#fromParts(List)}. Immutable.
 *
 * <pre>{@code
 * RestoreRequest.fromParts(List.of(
 *     RestorePart.archive(Path.of("20240131235959/1/Plex.zip"), ""),              // the loose root files
 *     RestorePart.archive(Path.of("20240131235959/2/Metadata.zip"), "Metadata")   // the folder's content
 *             .windowsSeparators(true),
 *     RestorePart.folder(Path.of("20240131235959/4"), "")))                       // copied as it is
 *     .target("/var/lib/plexmediaserver/Library/Application Support/Plex Media Server");
 * }</pre>
 */
public final class RestorePart {

    /** What a part is. */
    public enum Kind {
        /** An archive file, read by the archiver its name says ({@code .zip}, {@code .7z}, {@code .tar.gz}, ...). */
        ARCHIVE,
        /** A plain folder, copied with the same checks as an archive's entries. */
        FOLDER
    }

    private final Kind kind;
    private final Path source;
    private final String under;
    private final boolean windowsSeparators;

    private RestorePart(Kind kind, Path source, String under, boolean windowsSeparators) {
        this.kind = kind;
        this.source = source;
        this.under = under;
        this.windowsSeparators = windowsSeparators;
    }

    /**
     * @param file the archive; its format comes from its name
     * @param under the target-relative folder its entries go into ({@code /} separators), {@code ""} for the
     *        target itself
     * @return the part
     * @throws InvalidPlanException if {@code file} is null, or {@code under} is null, absolute or climbs with
     *         {@code ..}
     */
    public static RestorePart archive(Path file, String under) {
        return new RestorePart(Kind.ARCHIVE, checkSource(file, "archive"), checkUnder(under), false);
    }

    /**
     * @param file the archive, as a string
     * @param under the target-relative folder its entries go into, {@code ""} for the target itself
     * @return the part
     * @throws InvalidPlanException if a value is null or not a valid path
     */
    public static RestorePart archive(String file, String under) {
        return archive(path(file, "archive"), under);
    }

    /**
     * A plain folder copied into the target (a robocopy mirror, a folder copied as it is), every entry checked as an
     * archive's would be: links that point outside, files with more than one hard link, devices, FIFOs and sockets
     * are refused, and the {@link RestoreLimits} count its entries and bytes. The folder itself must not be a
     * symbolic link.
     *
     * @param dir the folder
     * @param under the target-relative folder its content goes into ({@code /} separators), {@code ""} for the
     *        target itself
     * @return the part
     * @throws InvalidPlanException if {@code dir} is null, or {@code under} is null, absolute or climbs with
     *         {@code ..}
     */
    public static RestorePart folder(Path dir, String under) {
        return new RestorePart(Kind.FOLDER, checkSource(dir, "folder"), checkUnder(under), false);
    }

    /**
     * @param dir the folder, as a string
     * @param under the target-relative folder its content goes into, {@code ""} for the target itself
     * @return the part
     * @throws InvalidPlanException if a value is null or not a valid path
     */
    public static RestorePart folder(String dir, String under) {
        return folder(path(dir, "folder"), under);
    }

    /**
     * Reads {@code \} in the archive's names as a folder separator, whatever the archive says about the system that
     * made it, for archives written on Windows (where {@code \} cannot be part of a name): PowerShell's
     * {@code Compress-Archive} before version 1.2.3 of its module (the one Windows PowerShell 5.1 ships) writes
     * {@code Metadata\Movies\a.xml}. Zip entries flagged as made on MS-DOS or Windows are read that way in any case
     * (Commons Compress does it, as Info-ZIP's {@code unzip} does); this also covers other formats and zips flagged
     * otherwise. The names are converted before they are checked, so {@code ..\..\x} is refused like
     * {@code ../../x}; a name ending in {@code \} with no content is a folder. Default {@code false}: {@code \} is
     * part of a name, and such a name is refused.
     *
     * @param windowsSeparators whether {@code \} separates folders in this archive's names
     * @return a copy with that setting
     * @throws InvalidPlanException on a folder part
     */
    public RestorePart windowsSeparators(boolean windowsSeparators) {
        if (kind != Kind.ARCHIVE) {
            throw new InvalidPlanException(List.of("windowsSeparators applies to archives; " + source
                    + " is a folder"));
        }
        return new RestorePart(kind, source, under, windowsSeparators);
    }

    /** @return whether the part is an archive or a folder */
    public Kind kind() {
        return kind;
    }

    /** @return the archive file or the folder */
    public Path source() {
        return source;
    }

    /** @return the target-relative folder the part's content goes into; {@code ""} for the target itself */
    public String under() {
        return under;
    }

    /** @return whether {@code \} in the archive's names separates folders */
    public boolean windowsSeparators() {
        return windowsSeparators;
    }

    private static Path checkSource(Path p, String what) {
        if (p == null) {
            throw new InvalidPlanException(List.of(what + " of a restore part must not be null"));
        }
        return p;
    }

    private static Path path(String p, String what) {
        if (p == null) {
            throw new InvalidPlanException(List.of(what + " of a restore part must not be null"));
        }
        try {
            return Path.of(p);
        } catch (InvalidPathException e) {
            throw new InvalidPlanException(List.of(what + " '" + p + "' is not a valid path: " + e.getReason()));
        }
    }

    private static String checkUnder(String under) {
        if (under == null) {
            throw new InvalidPlanException(List.of("the folder a restore part goes under must not be null; use \"\" "
                    + "for the target itself"));
        }
        String s = under.strip();
        while (s.endsWith("/")) {
            s = s.substring(0, s.length() - 1);
        }
        if (s.isEmpty()) {
            return "";
        }
        boolean bad = s.startsWith("/") || s.indexOf('\\') >= 0 || s.indexOf('\0') >= 0 || s.matches("^[A-Za-z]:.*");
        for (String part : s.split("/", -1)) {
            bad |= part.isEmpty() || part.equals(".") || part.equals("..");
        }
        if (bad) {
            throw new InvalidPlanException(List.of("the folder a restore part goes under, '" + under + "', must be "
                    + "relative to the target with '/' separators and no empty, '.' or '..' segments"));
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RestorePart p && kind == p.kind && source.equals(p.source) && under.equals(p.under)
                && windowsSeparators == p.windowsSeparators;
    }

    @Override
    public int hashCode() {
        return Objects.hash(kind, source, under, windowsSeparators);
    }

    @Override
    public String toString() {
        return (kind == Kind.ARCHIVE ? "archive " : "folder ") + source + " into "
                + (under.isEmpty() ? "the target" : "'" + under + "'") + (windowsSeparators ? " (\\ separators)" : "");
    }
}
