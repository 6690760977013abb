package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveTask;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * Walks the source once and splits it into units: the loose files at the root, one unit per top-level folder, and
 * one per special folder (which is cut out of the unit that contains it). Links are recorded as links and never
 * followed; empty folders are kept; excluded paths are not entered. Sockets, FIFOs and devices are skipped with a
 * warning. Children are visited in name order so the snapshot's content does not depend on directory order.
 *
 * <pre>{@code
 * List<Unit> units = new SourceScanner(source, excludes, List.of("Media/localhost"), List.of("Metadata"),
 *         warnings::add).scan();
 * }</pre>
 */
public final class SourceScanner {

    private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};
    /** Threads that walk one unit's folders: listing waits on the disk more than on the CPU. */
    private static final int WALK_THREADS = Math.max(2, Math.min(4, Runtime.getRuntime().availableProcessors()));
    private static final String UNIX_ATTRS = "unix:mode,size,lastModifiedTime,isDirectory,isRegularFile,"
            + "isSymbolicLink,isOther";

    private final Path source;
    private final List<Glob> excludes;
    private final List<String> special;
    private final List<String> split;
    private final Consumer<String> warnings;
    private final boolean unixView;
    private final boolean posixView;

    /**
     * @param source the source folder
     * @param excludes paths not to back up
     * @param special special folders (source-relative, {@code /} separators)
     * @param split top-level folders split one level deeper: each sub-folder is a unit, and the folder's own loose
     *        files another
     * @param warnings receives a message for each thing skipped
     */
    public SourceScanner(Path source, List<Glob> excludes, List<String> special, List<String> split,
                         Consumer<String> warnings) {
        this.source = source;
        this.excludes = List.copyOf(excludes);
        this.special = List.copyOf(special);
        this.split = List.copyOf(split);
        // folders are walked on several threads: warnings arrive one at a time all the same
        this.warnings = message -> {
            synchronized (warnings) {
                warnings.accept(message);
            }
        };
        Set<String> views = source.getFileSystem().supportedFileAttributeViews();
        this.unixView = views.contains("unix");
        this.posixView = views.contains("posix");
    }

    /**
     * @return the units: root files first, then top-level folders and special folders in name order
     * @throws BackupException naming the path, if a folder cannot be listed or an entry cannot be read
     */
    public List<Unit> scan() {
        List<Unit> units = new ArrayList<>();
        List<UnitEntry> rootEntries = new ArrayList<>();
        List<String> topFolders = new ArrayList<>();
        for (Path child : children(source)) {
            String rel = child.getFileName().toString();
            if (Glob.anyMatches(excludes, rel)) {
                continue;
            }
            UnitEntry entry = entry(child, rel);
            if (entry == null) {
                continue;
            }
            if (entry.type() == EntryType.DIRECTORY) {
                topFolders.add(rel);
            } else {
                rootEntries.add(entry);
            }
        }
        units.add(new Unit("", false, List.copyOf(rootEntries)));
        for (String folder : topFolders) {
            if (special.contains(folder)) {
                continue;
            }
            if (split.contains(folder)) {
                splitUnits(folder, units);
            } else {
                units.add(new Unit(folder, false, walk(folder)));
            }
        }
        for (String folder : special) {
            Path dir = source.resolve(folder);
            if (isExcluded(folder)) {
                warnings.accept("special folder '" + folder + "' is excluded; not backed up");
            } else if (!Files.isDirectory(dir, NOFOLLOW)) {
                warnings.accept("special folder '" + folder + "' not found in " + source + "; skipped");
            } else {
                units.add(new Unit(folder, true, walk(folder)));
            }
        }
        return List.copyOf(units);
    }

    /**
     * A split folder becomes one unit holding the folder itself and its loose files and links, then one unit per
     * sub-folder (special ones left to their own unit).
     */
    private void splitUnits(String folder, List<Unit> units) {
        Path dir = source.resolve(folder);
        UnitEntry self = entry(dir, folder);
        if (self == null) {
            return;
        }
        List<UnitEntry> own = new ArrayList<>();
        own.add(self);
        List<String> subFolders = new ArrayList<>();
        for (Path child : children(dir)) {
            String rel = folder + "/" + child.getFileName().toString();
            if (Glob.anyMatches(excludes, rel)) {
                continue;
            }
            UnitEntry entry = entry(child, rel);
            if (entry == null) {
                continue;
            }
            if (entry.type() == EntryType.DIRECTORY) {
                if (!special.contains(rel)) {
                    subFolders.add(rel);
                }
            } else {
                own.add(entry);
            }
        }
        units.add(new Unit(folder, false, List.copyOf(own), true));
        for (String sub : subFolders) {
            units.add(new Unit(sub, false, walk(sub)));
        }
    }

    private boolean isExcluded(String rel) {
        // a path is excluded when it or any of its parent folders matches
        int slash = -1;
        do {
            slash = rel.indexOf('/', slash + 1);
            String prefix = slash < 0 ? rel : rel.substring(0, slash);
            if (Glob.anyMatches(excludes, prefix)) {
                return true;
            }
        } while (slash >= 0);
        return false;
    }

    private List<UnitEntry> walk(String top) {
        UnitEntry root = entry(source.resolve(top), top);
        if (root == null) {
            return List.of();
        }
        List<UnitEntry> out = new ArrayList<>();
        out.add(root);
        if (root.type() == EntryType.DIRECTORY) {
            out.addAll(walkAll(source.resolve(top), top, top));
        }
        out.sort(Comparator.comparing(UnitEntry::path));
        return out;
    }

    /**
     * Walks a folder's tree on a few threads, a task per folder: listing folders and reading attributes wait on
     * the file system, and one large folder (Plex's {@code Metadata}) holds most of a data folder's entries.
     */
    private List<UnitEntry> walkAll(Path dir, String rel, String unitRoot) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ForkJoinPool pool = new ForkJoinPool(WALK_THREADS);
        try {
            List<UnitEntry> all = pool.invoke(new FolderWalk(dir, rel, unitRoot, failure));
            if (failure.get() != null) {
                throw failure.get();
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /** One folder's children and, through sub-tasks, everything below them. */
    private final class FolderWalk extends RecursiveTask<List<UnitEntry>> {
        private static final long serialVersionUID = 1L;
        private final transient Path dir;
        private final String rel;
        private final String unitRoot;
        private final transient AtomicReference<RuntimeException> failure;

        FolderWalk(Path dir, String rel, String unitRoot, AtomicReference<RuntimeException> failure) {
            this.dir = dir;
            this.rel = rel;
            this.unitRoot = unitRoot;
            this.failure = failure;
        }

        @Override
        protected List<UnitEntry> compute() {
            if (failure.get() != null) {
                return List.of();
            }
            List<UnitEntry> out = new ArrayList<>();
            List<FolderWalk> folders = new ArrayList<>();
            try {
                for (Path child : children(dir)) {
                    String childRel = rel + "/" + child.getFileName().toString();
                    if (Glob.anyMatches(excludes, childRel)
                            || (!childRel.equals(unitRoot) && special.contains(childRel))) {
                        continue;
                    }
                    UnitEntry entry = entry(child, childRel);
                    if (entry == null) {
                        continue;
                    }
                    out.add(entry);
                    if (entry.type() == EntryType.DIRECTORY) {
                        folders.add(new FolderWalk(child, childRel, unitRoot, failure));
                    }
                }
            } catch (RuntimeException e) {
                // the first failure is thrown as it is, on the scanning thread; the other tasks stop early
                failure.compareAndSet(null, e);
                return List.of();
            }
            for (FolderWalk f : ForkJoinTask.invokeAll(folders)) {
                out.addAll(f.join());
            }
            return out;
        }
    }

    private List<Path> children(Path dir) {
        List<Named> named = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            for (Path p : stream) {
                named.add(new Named(p.getFileName().toString(), p)); // each name made once, not once per comparison
            }
        } catch (IOException e) {
            throw new BackupException("Cannot list folder " + dir + ": " + describe(e), e);
        }
        named.sort(null);
        List<Path> list = new ArrayList<>(named.size());
        for (Named n : named) {
            list.add(n.path());
        }
        return list;
    }

    private record Named(String name, Path path) implements Comparable<Named> {
        @Override
        public int compareTo(Named o) {
            return name.compareTo(o.name);
        }
    }

    private UnitEntry entry(Path path, String rel) {
        if (!ascii(rel, rel.lastIndexOf('/') + 1)) { // the folders above were checked when they were walked
            Fs.resolve(source, rel); // fails clearly when the locale cannot represent the name
        }
        try {
            if (unixView) {
                Map<String, Object> a = Files.readAttributes(path, UNIX_ATTRS, NOFOLLOW);
                int mode = (Integer) a.get("mode") & 07777;
                FileTime mtime = (FileTime) a.get("lastModifiedTime");
                if ((Boolean) a.get("isSymbolicLink")) {
                    return new UnitEntry(rel, EntryType.SYMLINK, 0, mtime, mode, linkTarget(path));
                } else if ((Boolean) a.get("isDirectory")) {
                    return new UnitEntry(rel, EntryType.DIRECTORY, 0, mtime, mode, null);
                } else if ((Boolean) a.get("isRegularFile")) {
                    return new UnitEntry(rel, EntryType.FILE, (Long) a.get("size"), mtime, mode, null);
                }
            } else {
                BasicFileAttributes a = posixView
                        ? Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW)
                        : Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
                int mode = a instanceof PosixFileAttributes p ? toMode(p.permissions())
                        : a.isDirectory() ? 0755 : 0644;
                if (a.isSymbolicLink()) {
                    return new UnitEntry(rel, EntryType.SYMLINK, 0, a.lastModifiedTime(), mode, linkTarget(path));
                } else if (a.isDirectory()) {
                    return new UnitEntry(rel, EntryType.DIRECTORY, 0, a.lastModifiedTime(), mode, null);
                } else if (a.isRegularFile()) {
                    return new UnitEntry(rel, EntryType.FILE, a.size(), a.lastModifiedTime(), mode, null);
                }
            }
            warnings.accept("skipped '" + rel + "': not a regular file, folder or link (socket, FIFO or device)");
            return null;
        } catch (NoSuchFileException e) {
            warnings.accept("skipped '" + rel + "': it vanished during the backup");
            return null;
        } catch (IOException e) {
            throw new BackupException("Cannot read " + path + ": " + describe(e), e);
        }
    }

    /** @return whether {@code s} from {@code from} on is ASCII, which every file-name encoding represents */
    private static boolean ascii(String s, int from) {
        for (int i = from; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }

    private static String linkTarget(Path link) throws IOException {
        return Files.readSymbolicLink(link).toString().replace(link.getFileSystem().getSeparator(), "/");
    }

    private static int toMode(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms) {
            mode |= 1 << (8 - p.ordinal());
        }
        return mode;
    }

    static String describe(IOException e) {
        String type = e.getClass().getSimpleName().replace("Exception", "");
        return e.getMessage() == null ? type : type + " (" + e.getMessage() + ")";
    }
}
