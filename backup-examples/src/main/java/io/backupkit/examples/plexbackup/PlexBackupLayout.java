package io.backupkit.examples.plexbackup;

import io.backupkit.BackupException;
import io.backupkit.InvalidPlanException;
import io.backupkit.RestorePart;
import io.backupkit.RestoreRequest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A backup written by PlexBackup.ps1 (github.com/alekdavis/PlexBackup), read into the parts of a
 * {@link RestoreRequest#fromParts(List)}, the Plex version it recorded and its registry files. The layout, as the
 * script's source writes it (version 2.x; 1.x numbered the same folders from 0):
 *
 * <pre>
 * BackupRootDir/
 *   20240131235959/          yyyyMMddHHmmss, the script's start time; restore takes the newest
 *     1/Plex.zip             the data folder's loose files (Plex.7z with -SevenZip); with -Robocopy: a mirror of the
 *                            whole data folder instead
 *     2/Metadata.zip, ...    one archive per top-level folder, holding the folder's content
 *     3/*.reg                exported registry keys (file names are MD5 hashes of the key path)
 *     4/Plug-in Support/...  special folders copied as they are, under their path in the data folder
 *     Version.txt            the Plex Media Server version backed up
 * </pre>
 *
 * <pre>{@code
 * PlexBackupLayout b = PlexBackupLayout.read(Path.of("/mnt/nas/PlexBackup"));
 * b.timestamp();        // "20240131235959", the newest backup folder
 * b.plexVersion();      // Optional[1.40.1.8227-c0dd5a73e]
 * plan.restore(b.request().target(plexData));
 * }</pre>
 */
public final class PlexBackupLayout {

    /** How the backup was written: PlexBackup.ps1's {@code -Type}. */
    public enum Mode {
        /** The default: PowerShell's {@code Compress-Archive}, {@code .zip} files. */
        ZIP("zip archives"),
        /** {@code -Type 7zip}: {@code 7z.exe}, {@code .7z} files. */
        SEVEN_ZIP("7z archives"),
        /** {@code -Type Robocopy}: a mirror of the whole data folder in {@code 1/}. */
        ROBOCOPY("a robocopy mirror");

        private final String description;

        Mode(String description) {
            this.description = description;
        }

        /** @return what the backup holds, e.g. {@code zip archives} */
        public String description() {
            return description;
        }
    }

    /** Names of PlexBackup.ps1's backup folders: {@code yyyyMMddHHmmss}. */
    public static final Pattern TIMESTAMP = Pattern.compile("^\\d{14}$");

    /**
     * The top-level folders PlexBackup.ps1 leaves out by default ({@code $ExcludeDirs}): a restore keeps the
     * target's own copies of those the backup does not hold.
     */
    public static final List<String> EXCLUDED_FOLDERS = List.of("Diagnostics", "Crash Reports", "Updates", "Logs");

    private static final Pattern VERSION = Pattern.compile("^\\d+(\\.\\d+)+[-+.\\w]*$");
    private static final int MAX_VERSION_FILE = 4096;

    private final Path root;
    private final Path folder;
    private final int backups;
    private final boolean firstLayout;
    private final Mode mode;
    private final String plexVersion;
    private final List<RestorePart> parts;
    private final List<Path> registryFiles;
    private final List<String> keptFolders;
    private final List<String> notes;

    private PlexBackupLayout(Path root, Path folder, int backups, boolean firstLayout, Mode mode,
                             String plexVersion, List<RestorePart> parts, List<Path> registryFiles,
                             List<String> keptFolders, List<String> notes) {
        this.root = root;
        this.folder = folder;
        this.backups = backups;
        this.firstLayout = firstLayout;
        this.mode = mode;
        this.plexVersion = plexVersion;
        this.parts = List.copyOf(parts);
        this.registryFiles = List.copyOf(registryFiles);
        this.keptFolders = List.copyOf(keptFolders);
        this.notes = List.copyOf(notes);
    }

    /**
     * @param path a backup root holding {@code yyyyMMddHHmmss} folders (the newest is used), or one such folder
     * @return the backup found there
     * @throws BackupException naming the path when there is no backup folder, the layout is not PlexBackup's, a
     *         {@code 2/} entry is neither a {@code .zip} or {@code .7z} archive nor a folder, or {@code Version.txt}
     *         cannot be read
     */
    public static PlexBackupLayout read(Path path) {
        Path given = path.toAbsolutePath().normalize();
        if (!Files.isDirectory(given)) {
            throw new BackupException("PlexBackup folder " + given + " does not exist or is not a folder");
        }
        List<Path> found = new ArrayList<>();
        if (!looksLikeBackup(given)) {
            for (Path child : list(given)) {
                if (TIMESTAMP.matcher(child.getFileName().toString()).matches() && Files.isDirectory(child)) {
                    found.add(child);
                }
            }
        }
        Path folder;
        int backups;
        Path root;
        if (found.isEmpty() && (looksLikeBackup(given) || TIMESTAMP.matcher(name(given)).matches())) {
            folder = given;
            root = given.getParent();
            backups = 1;
        } else {
            if (found.isEmpty()) {
                throw new BackupException("No PlexBackup backup folder in " + given + ": expected sub-folders named "
                        + "yyyyMMddHHmmss (the time the backup started, e.g. 20240131235959) holding 1/, 2/, 3/, 4/, "
                        + "or give such a folder itself");
            }
            found.sort(Comparator.comparing(p -> p.getFileName().toString()));
            folder = found.get(found.size() - 1);
            root = given;
            backups = found.size();
        }
        return readFolder(root, folder, backups);
    }

    private static boolean looksLikeBackup(Path dir) {
        for (String name : List.of("0", "1", "2", "3", "4")) {
            if (Files.isDirectory(dir.resolve(name))) {
                return true;
            }
        }
        return false;
    }

    private static PlexBackupLayout readFolder(Path root, Path folder, int backups) {
        boolean has0 = Files.exists(folder.resolve("0"), LinkOption.NOFOLLOW_LINKS);
        boolean has4 = Files.exists(folder.resolve("4"), LinkOption.NOFOLLOW_LINKS);
        if (has0 && has4) {
            throw new BackupException("Unknown layout in PlexBackup folder " + folder + ": it has both 0/ (PlexBackup "
                    + "1.x) and 4/ (2.x); expected 1/ files, 2/ folders, 3/ registry, 4/ special folders");
        }
        if (!looksLikeBackup(folder)) {
            throw new BackupException("Unknown layout in PlexBackup folder " + folder + ": none of its folders 1/ "
                    + "(the loose files), 2/ (one archive per folder), 3/ (registry) or 4/ (special folders) is "
                    + "there; found " + names(list(folder)));
        }
        boolean first = has0;
        Path files = folder.resolve(first ? "0" : "1");
        Path folders = folder.resolve(first ? "1" : "2");
        Path registry = folder.resolve(first ? "2" : "3");
        Path special = folder.resolve(first ? "3" : "4");
        String sub = first ? "0/" : "1/";

        List<RestorePart> parts = new ArrayList<>();
        List<String> holds = new ArrayList<>();
        boolean mirror = false;
        boolean sevenZip = false;
        boolean zip = false;
        if (Files.isDirectory(files)) {
            List<Path> entries = list(files);
            List<Path> archives = entries.stream().filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)
                    && (name(p).equalsIgnoreCase("Plex.zip") || name(p).equalsIgnoreCase("Plex.7z"))).toList();
            if (!archives.isEmpty() && archives.size() != entries.size()) {
                List<Path> others = new ArrayList<>(entries);
                others.removeAll(archives);
                throw new BackupException("Unknown layout in PlexBackup folder " + folder + ": " + sub + " holds "
                        + names(archives) + " and also " + names(others) + "; PlexBackup writes either Plex.zip "
                        + "(Plex.7z) with the loose files there, or (-Robocopy) a mirror of the whole data folder");
            }
            for (Path a : archives) {
                parts.add(archivePart(a, ""));
                sevenZip |= name(a).toLowerCase(Locale.ROOT).endsWith(".7z");
                zip |= name(a).toLowerCase(Locale.ROOT).endsWith(".zip");
            }
            if (archives.isEmpty() && !entries.isEmpty()) {
                mirror = true;
                parts.add(RestorePart.folder(files, ""));
                for (Path e : entries) {
                    holds.add(name(e));
                }
            }
        }
        if (Files.isDirectory(folders)) {
            Map<String, Path> unders = new LinkedHashMap<>();
            for (Path entry : list(folders)) {
                String name = name(entry);
                String lower = name.toLowerCase(Locale.ROOT);
                String under;
                boolean isArchive = Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)
                        && (lower.endsWith(".zip") || lower.endsWith(".7z"));
                if (isArchive) {
                    under = name.substring(0, name.lastIndexOf('.'));
                } else if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
                    under = name;
                } else {
                    throw new BackupException("Unknown entry " + entry + " in PlexBackup folder " + folder + ": "
                            + "entries of " + folders.getFileName() + "/ must be .zip or .7z archives (one per "
                            + "top-level folder of the data folder) or folders, and this is "
                            + (Files.isSymbolicLink(entry) ? "a symbolic link" : Files.isRegularFile(entry,
                            LinkOption.NOFOLLOW_LINKS) ? "another kind of file" : "neither a file nor a folder"));
                }
                Path other = unders.putIfAbsent(under.toLowerCase(Locale.ROOT), entry);
                if (other != null) {
                    throw new BackupException("Unknown layout in PlexBackup folder " + folder + ": " + other
                            + " and " + entry + " both hold the folder '" + under + "'");
                }
                if (isArchive) {
                    parts.add(archivePart(entry, under));
                    sevenZip |= lower.endsWith(".7z");
                    zip |= lower.endsWith(".zip");
                } else {
                    parts.add(folderPart(entry, under));
                }
                holds.add(under);
            }
        }
        if (Files.isDirectory(special, LinkOption.NOFOLLOW_LINKS) && !list(special).isEmpty()
                || Files.isSymbolicLink(special)) {
            parts.add(folderPart(special, ""));
        }
        if (parts.isEmpty()) {
            throw new BackupException("PlexBackup folder " + folder + " holds no backed-up data: " + sub + ", "
                    + folders.getFileName() + "/ and " + special.getFileName() + "/ are empty or missing (an "
                    + "unfinished backup?)");
        }
        List<Path> regs = new ArrayList<>();
        if (Files.isDirectory(registry)) {
            for (Path p : list(registry)) {
                if (name(p).toLowerCase(Locale.ROOT).endsWith(".reg") && Files.isRegularFile(p,
                        LinkOption.NOFOLLOW_LINKS)) {
                    regs.add(p);
                }
            }
        }
        List<String> kept = new ArrayList<>();
        for (String excluded : EXCLUDED_FOLDERS) {
            if (holds.stream().noneMatch(h -> h.equalsIgnoreCase(excluded))) {
                kept.add(excluded);
            }
        }
        Mode mode = mirror ? Mode.ROBOCOPY : sevenZip && !zip ? Mode.SEVEN_ZIP : Mode.ZIP;
        List<String> notes = new ArrayList<>();
        if (parts.stream().noneMatch(p -> p.source().equals(files) || files.equals(p.source().getParent()))) {
            notes.add(files + " holds no Plex.zip or Plex.7z: the data folder's loose files (Preferences.xml, ...) "
                    + "are not in this backup and will not be restored");
        }
        return new PlexBackupLayout(root, folder, backups, first, mode, readVersion(folder), parts, regs, kept,
                notes);
    }

    private static RestorePart archivePart(Path file, String under) {
        try {
            // PlexBackup runs on Windows only, where '\' cannot be part of a name
            return RestorePart.archive(file, under).windowsSeparators(true);
        } catch (InvalidPlanException e) {
            throw new BackupException("Cannot restore " + file + ": " + String.join("; ", e.problems()));
        }
    }

    private static RestorePart folderPart(Path dir, String under) {
        try {
            return RestorePart.folder(dir, under);
        } catch (InvalidPlanException e) {
            throw new BackupException("Cannot restore " + dir + ": " + String.join("; ", e.problems()));
        }
    }

    /**
     * Reads {@code Version.txt} (1.x: {@code version.txt}), written by PowerShell's {@code Set-Content}: one line,
     * in the system's code page (Windows PowerShell) or UTF-8 (PowerShell 7), possibly with a byte-order mark.
     *
     * @return the version, or {@code null} when there is no such file
     */
    private static String readVersion(Path folder) {
        Path file = null;
        for (Path p : list(folder)) {
            if (name(p).equalsIgnoreCase("Version.txt") && (file == null || name(p).equals("Version.txt"))) {
                file = p;
            }
        }
        if (file == null) {
            return null;
        }
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new BackupException("Cannot read the Plex version from " + file + ": it is not a regular file");
        }
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            bytes = in.readNBytes(MAX_VERSION_FILE + 1);
        } catch (IOException e) {
            throw new BackupException("Cannot read the Plex version from " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_VERSION_FILE) {
            throw new BackupException("Cannot read the Plex version from " + file + ": more than " + MAX_VERSION_FILE
                    + " bytes, not a version file");
        }
        String text = decode(bytes).strip();
        if (!VERSION.matcher(text).matches()) {
            String shown = text.length() > 40 ? text.substring(0, 40) + "..." : text;
            throw new BackupException("Cannot read the Plex version from " + file + ": it holds "
                    + (text.isEmpty() ? "nothing" : "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'")
                    + ", not a version such as 1.40.1.8227; delete the file to restore without a version check");
        }
        return text;
    }

    private static String decode(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xff) == 0xEF && (b[1] & 0xff) == 0xBB && (b[2] & 0xff) == 0xBF) {
            return new String(b, 3, b.length - 3, StandardCharsets.UTF_8);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xFE) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16LE);
        }
        if (b.length >= 2 && (b[0] & 0xff) == 0xFE && (b[1] & 0xff) == 0xFF) {
            return new String(b, 2, b.length - 2, StandardCharsets.UTF_16BE);
        }
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * @param regFile a registry file written by {@code reg export}
     * @return the first key it holds, e.g. {@code HKEY_CURRENT_USER\Software\Plex, Inc.\Plex Media Server}, when it
     *         can be read
     */
    public static Optional<String> registryKey(Path regFile) {
        byte[] b;
        try (InputStream in = Files.newInputStream(regFile, LinkOption.NOFOLLOW_LINKS)) {
            b = in.readNBytes(64 * 1024);
        } catch (IOException e) {
            return Optional.empty();
        }
        return decode(b).lines().map(String::strip).filter(l -> l.length() > 2 && l.startsWith("[") && l.endsWith("]"))
                .map(l -> l.substring(1, l.length() - 1)).findFirst();
    }

    private static List<Path> list(Path dir) {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            s.forEach(out::add);
        } catch (IOException e) {
            throw new BackupException("Cannot list PlexBackup folder " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(PlexBackupLayout::name));
        return out;
    }

    private static String name(Path p) {
        return p.getFileName().toString();
    }

    private static String names(List<Path> paths) {
        return paths.isEmpty() ? "nothing" : String.join(", ", paths.stream().map(PlexBackupLayout::name).toList());
    }

    /** @return the folder holding the timestamp folders (the one given, or the given backup folder's parent) */
    public Path root() {
        return root;
    }

    /** @return the backup folder used: the newest {@code yyyyMMddHHmmss} folder, or the one given */
    public Path folder() {
        return folder;
    }

    /** @return the backup folder's name, e.g. {@code 20240131235959} */
    public String timestamp() {
        return folder.getFileName().toString();
    }

    /** @return how many timestamp folders the root holds (1 when a backup folder was given) */
    public int backups() {
        return backups;
    }

    /** @return whether the backup uses PlexBackup 1.x's numbering ({@code 0/} files, ... {@code 3/} special) */
    public boolean firstLayout() {
        return firstLayout;
    }

    /** @return how the backup was written */
    public Mode mode() {
        return mode;
    }

    /** @return the Plex Media Server version {@code Version.txt} records, if there is one */
    public Optional<String> plexVersion() {
        return Optional.ofNullable(plexVersion);
    }

    /** @return the archives and folders to restore, root files first, then the folders, then the special folders */
    public List<RestorePart> parts() {
        return parts;
    }

    /** @return the {@code .reg} files of {@code 3/}, in name order */
    public List<Path> registryFiles() {
        return registryFiles;
    }

    /**
     * @return those of {@link #EXCLUDED_FOLDERS} that the backup does not hold: a restore should keep the target's
     *         own (add {@code NAME/**} to the plan's excludes)
     */
    public List<String> keptFolders() {
        return keptFolders;
    }

    /** @return things about this backup to tell the user before restoring it (missing pieces) */
    public List<String> notes() {
        return notes;
    }

    /**
     * @return the restore of every part, named by the backup folder ({@link #timestamp()}), with the recorded Plex
     *         version when there is one
     */
    public RestoreRequest request() {
        RestoreRequest r = RestoreRequest.fromParts(parts).label(timestamp());
        return plexVersion == null ? r : r.appVersion(plexVersion);
    }

    @Override
    public String toString() {
        return "PlexBackup backup " + folder + " (" + mode.description() + (plexVersion == null ? ""
                : ", Plex " + plexVersion) + ", " + parts.size() + " parts, " + registryFiles.size()
                + " registry files)";
    }
}
