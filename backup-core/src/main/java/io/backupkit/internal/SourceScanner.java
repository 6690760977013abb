package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
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
import java.util.Arrays;
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
    private final boolean fastMode;

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
        this(source, excludes, special, split, warnings, true);
    }

    /**
     * @param fastMode whether the mode may be read from the attributes {@code readAttributes(path,
     *        PosixFileAttributes.class)} returns, where {@link UnixMode} can; {@code false} always asks the
     *        {@code unix} view
     */
    SourceScanner(Path source, List<Glob> excludes, List<String> special, List<String> split,
                  Consumer<String> warnings, boolean fastMode) {
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
        this.fastMode = fastMode && unixView && posixView && UnixMode.available();
    }

    /**
     * @return the units: root files first, then top-level folders and special folders in name order
     * @throws BackupException naming the path, if a folder cannot be listed or an entry cannot be read
     */
    public List<Unit> scan() {
        try {
            return scanUnits();
        } catch (IllegalArgumentException e) { // a name the packed entry list cannot hold, named in the message
            throw new BackupException("Cannot back up " + source + ": " + e.getMessage(), e);
        }
    }

    private List<Unit> scanUnits() {
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
        units.add(new Unit("", false, EntryList.copyOf(rootEntries)));
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
        units.add(new Unit(folder, false, EntryList.copyOf(own), true));
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
            return EntryList.empty();
        }
        EntryList.Builder out = new EntryList.Builder();
        out.add(root);
        if (root.type() == EntryType.DIRECTORY) {
            Listing listing = walkAll(source.resolve(top), top, top);
            PathBytes prefix = new PathBytes();
            prefix.append(EntryList.utf8(top, "path"));
            listing.flatten(prefix, out);
        }
        return out.build();
    }

    /**
     * Walks a folder's tree on a few threads, a task per folder: listing folders and reading attributes wait on
     * the file system, and one large folder (Plex's {@code Metadata}) holds most of a data folder's entries.
     */
    private Listing walkAll(Path dir, String rel, String unitRoot) {
        AtomicReference<RuntimeException> failure = new AtomicReference<>();
        ForkJoinPool pool = new ForkJoinPool(WALK_THREADS);
        try {
            Listing all = pool.invoke(new FolderWalk(dir, rel, unitRoot, failure));
            if (failure.get() != null) {
                throw failure.get();
            }
            return all;
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * One folder's children in name order, packed as they are walked (each child's name and its encoded
     * attributes, as {@link EntryList} stores them), and the listings of the folders among them, in the same order.
     * A walked tree costs about 20 bytes an entry more than its {@link EntryList}, instead of a {@link UnitEntry}
     * with its full path per entry.
     */
    private static final class Listing {
        private static final Listing EMPTY = new Listing(new byte[0], 0, new Listing[0]);
        private final byte[] block;
        private final int count;
        private final Listing[] folders;

        Listing(byte[] block, int count, Listing[] folders) {
            this.block = block;
            this.count = count;
            this.folders = folders;
        }

        /**
         * Adds every entry below the folder to {@code out} in path order: a child's own entry sorts by its name, the
         * entries below a child folder by the name followed by {@code /}, which can come after a sibling's name
         * ({@code "a"}, {@code "a.txt"}, then {@code "a/b"}).
         */
        void flatten(PathBytes prefix, EntryList.Builder out) {
            int[] nameAt = new int[count];
            int[] attrsAt = new int[count];
            int[] end = new int[count];
            int[] folderOf = new int[count]; // index in folders, or -1 for a file or link
            // items: 2i is child i's own entry, 2i+1 the entries below child folder i
            List<Integer> items = new ArrayList<>(count + folders.length);
            int p = 0;
            int folder = 0;
            for (int i = 0; i < count; i++) {
                int length = (int) EntryList.readVarLong(block, p);
                nameAt[i] = EntryList.after(block, p);
                attrsAt[i] = nameAt[i] + length;
                end[i] = EntryList.attributesEnd(block, attrsAt[i]);
                p = end[i];
                boolean isFolder = EntryList.isDirectory(block, attrsAt[i]);
                folderOf[i] = isFolder ? folder++ : -1;
                items.add(2 * i);
                if (isFolder) {
                    items.add(2 * i + 1);
                }
            }
            if (folders.length > 0) {
                String[] names = new String[count];
                for (int i = 0; i < count; i++) {
                    names[i] = new String(block, nameAt[i], attrsAt[i] - nameAt[i], StandardCharsets.UTF_8);
                }
                items.sort((a, b) -> key(names, a).compareTo(key(names, b)));
            }
            int mark = prefix.length();
            for (int item : items) {
                int i = item >> 1;
                prefix.append((byte) '/');
                prefix.append(block, nameAt[i], attrsAt[i] - nameAt[i]);
                if ((item & 1) == 0) {
                    out.addEncoded(prefix.bytes(), prefix.length(), block, attrsAt[i], end[i]);
                } else {
                    folders[folderOf[i]].flatten(prefix, out);
                }
                prefix.truncate(mark);
            }
        }

        private static String key(String[] names, int item) {
            return (item & 1) == 0 ? names[item >> 1] : names[item >> 1] + "/";
        }
    }

    /** A growing path in UTF-8, cut back as the flattening returns from a folder. */
    private static final class PathBytes {
        private byte[] bytes = new byte[256];
        private int length;

        void append(byte b) {
            ensure(1);
            bytes[length++] = b;
        }

        void append(byte[] b) {
            append(b, 0, b.length);
        }

        void append(byte[] b, int from, int count) {
            ensure(count);
            System.arraycopy(b, from, bytes, length, count);
            length += count;
        }

        void truncate(int to) {
            length = to;
        }

        int length() {
            return length;
        }

        byte[] bytes() {
            return bytes;
        }

        private void ensure(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(length + more, bytes.length * 2));
            }
        }
    }

    /** One folder's children and, through sub-tasks, everything below them. */
    private final class FolderWalk extends RecursiveTask<Listing> {
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
        protected Listing compute() {
            if (failure.get() != null) {
                return Listing.EMPTY;
            }
            java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
            byte[] length = new byte[5];
            int count = 0;
            List<FolderWalk> folders = new ArrayList<>();
            try {
                for (Path child : children(dir)) {
                    String name = child.getFileName().toString();
                    String childRel = rel + "/" + name;
                    if (Glob.anyMatches(excludes, childRel)
                            || (!childRel.equals(unitRoot) && special.contains(childRel))) {
                        continue;
                    }
                    UnitEntry entry = entry(child, childRel);
                    if (entry == null) {
                        continue;
                    }
                    byte[] utf8 = EntryList.utf8(name, "name of '" + childRel + "'");
                    block.write(length, 0, EntryList.putVarLong(length, 0, utf8.length));
                    block.write(utf8, 0, utf8.length);
                    byte[] attrs = EntryList.attributes(entry);
                    block.write(attrs, 0, attrs.length);
                    count++;
                    if (entry.type() == EntryType.DIRECTORY) {
                        folders.add(new FolderWalk(child, childRel, unitRoot, failure));
                    }
                }
            } catch (RuntimeException e) {
                // the first failure is thrown as it is, on the scanning thread; the other tasks stop early
                failure.compareAndSet(null, e);
                return Listing.EMPTY;
            }
            Listing[] below = new Listing[folders.size()];
            int i = 0;
            for (FolderWalk f : ForkJoinTask.invokeAll(folders)) {
                below[i++] = f.join();
            }
            return new Listing(block.toByteArray(), count, below);
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
            PosixFileAttributes posix = fastMode ? Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW)
                    : null;
            int fast = posix == null ? -1 : UnixMode.of(posix);
            UnitEntry entry = null;
            if (fast >= 0) {
                entry = entry(path, rel, posix, fast & 07777);
            } else if (unixView) {
                Map<String, Object> a = Files.readAttributes(path, UNIX_ATTRS, NOFOLLOW);
                int mode = (Integer) a.get("mode") & 07777;
                FileTime mtime = (FileTime) a.get("lastModifiedTime");
                if ((Boolean) a.get("isSymbolicLink")) {
                    entry = new UnitEntry(rel, EntryType.SYMLINK, 0, mtime, mode, linkTarget(path));
                } else if ((Boolean) a.get("isDirectory")) {
                    entry = new UnitEntry(rel, EntryType.DIRECTORY, 0, mtime, mode, null);
                } else if ((Boolean) a.get("isRegularFile")) {
                    entry = new UnitEntry(rel, EntryType.FILE, (Long) a.get("size"), mtime, mode, null);
                }
            } else {
                BasicFileAttributes a = posixView
                        ? Files.readAttributes(path, PosixFileAttributes.class, NOFOLLOW)
                        : Files.readAttributes(path, BasicFileAttributes.class, NOFOLLOW);
                int mode = a instanceof PosixFileAttributes p ? toMode(p.permissions())
                        : a.isDirectory() ? 0755 : 0644;
                entry = entry(path, rel, a, mode);
            }
            if (entry == null) {
                warnings.accept("skipped '" + rel + "': not a regular file, folder or link (socket, FIFO or device)");
            }
            return entry;
        } catch (NoSuchFileException e) {
            warnings.accept("skipped '" + rel + "': it vanished during the backup");
            return null;
        } catch (IOException e) {
            throw new BackupException("Cannot read " + path + ": " + describe(e), e);
        }
    }

    private static UnitEntry entry(Path path, String rel, BasicFileAttributes a, int mode) throws IOException {
        if (a.isSymbolicLink()) {
            return new UnitEntry(rel, EntryType.SYMLINK, 0, a.lastModifiedTime(), mode, linkTarget(path));
        } else if (a.isDirectory()) {
            return new UnitEntry(rel, EntryType.DIRECTORY, 0, a.lastModifiedTime(), mode, null);
        } else if (a.isRegularFile()) {
            return new UnitEntry(rel, EntryType.FILE, a.size(), a.lastModifiedTime(), mode, null);
        }
        return null;
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
