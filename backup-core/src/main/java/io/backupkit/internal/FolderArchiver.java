package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Copies a unit as plain files into a folder of the snapshot, keeping source-relative paths, with robocopy
 * {@code /MIR} semantics: a folder left by an interrupted run is brought up to date (copies whose size and
 * modification time match are kept, the rest copied again, what no longer exists removed); unchanged files are
 * hard-linked from the previous snapshot's copy when the engine offers one; a failed copy is retried. Used for
 * special folders (PlexBackup's long-path folders) and by the {@code mirror} archiver. A fresh copy is made by
 * {@link #THREADS} threads at once, each taking the next {@link #CHUNK} entries. Modes come back on restore from the
 * index; copies carry the source's modification time so the folder can be browsed.
 *
 * <pre>{@code
 * new FolderArchiver().write(request);   // request.archive() is the folder to fill
 * }</pre>
 */
public final class FolderArchiver implements Archiver {

    /** Option: how many times a failed copy is tried again. */
    public static final String RETRIES = "retries";
    /** Option: the wait before each retry, e.g. {@code 10s}, {@code 500ms}, {@code 2m}; plain numbers are seconds. */
    public static final String RETRY_WAIT = "retryWait";

    /** Option: threads that make a fresh copy's entries, 1-{@value #MAX_THREADS} or {@code auto}. */
    public static final String THREADS = "threads";
    /** Most threads accepted for {@link #THREADS}. */
    public static final int MAX_THREADS = 16;
    /** Name of the threads that help copy a unit, numbered from 1. */
    public static final String THREAD_NAME = "backupkit-copy";

    /** Entries a copying thread takes at a time. */
    static final int CHUNK = 256;
    private static final int BUFFER = 128 * 1024;
    private static final int MAX_RETRIES = 1000;
    private static final AtomicInteger THREADS_MADE = new AtomicInteger();

    @Override
    public String id() {
        return "folder";
    }

    @Override
    public String extension() {
        return "";
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        int retries = retries(request.options());
        Duration wait = retryWait(request.options());
        int threads = threads(request.options());
        Path root = request.archive();
        // a folder made here holds nothing yet: no copy to compare, nothing to purge, and every folder and file is
        // made without asking first whether it exists (each such question that says no costs the JDK exceptions)
        boolean fresh = makeRoot(root);
        Copier copier = new Copier(request, root, fresh, retries, wait);
        List<UnitEntry> entries = request.entries();
        if (fresh && threads > 1 && entries.size() > CHUNK) {
            copier.inParallel(entries, threads);
            return;
        }
        Set<String> folders = new HashSet<>();
        byte[] buffer = new byte[BUFFER];
        Set<String> wanted = new HashSet<>();
        for (UnitEntry e : entries) {
            if (copier.entry(e, folders, buffer) && !fresh) {
                addWithParents(wanted, e.path());
            }
        }
        if (!fresh) {
            removeExtras(root, root, wanted);
        }
    }

    /**
     * Makes a unit's entries in its folder. A fresh folder (nothing left in it by an interrupted run) is filled by
     * several threads at once, each taking the next {@link #CHUNK} entries: making a folder, a hard link or a small
     * file is one system call that waits on the file system, and the unit that holds most of a media server's files
     * would otherwise make its tens of thousands of entries one after the other on one core. Entries come parents
     * first, but a chunk's first entries may lie in a folder another thread is about to make: each thread makes the
     * folders it needs itself, and a folder another thread made first counts as made.
     */
    private static final class Copier {
        private final ArchiveWriteRequest request;
        private final Path root;
        private final boolean fresh;
        private final Optional<Path> previous;
        private final int retries;
        private final Duration wait;

        Copier(ArchiveWriteRequest request, Path root, boolean fresh, int retries, Duration wait) {
            this.request = request;
            this.root = root;
            this.fresh = fresh;
            this.previous = request.previousArchive();
            this.retries = retries;
            this.wait = wait;
        }

        /**
         * Makes one entry.
         *
         * @param folders the folders this thread knows to exist, relative to the root
         * @return {@code false} when the entry was a file that vanished and was left out
         */
        boolean entry(UnitEntry e, Set<String> folders, byte[] buffer) throws IOException {
            Path to = root.resolve(e.path());
            switch (e.type()) {
                case DIRECTORY -> folder(root, e.path(), folders);
                case SYMLINK -> {
                    if (!fresh) {
                        if (Files.isSymbolicLink(to) && Files.readSymbolicLink(to).toString()
                                .replace(to.getFileSystem().getSeparator(), "/").equals(e.linkTarget())) {
                            return true;
                        }
                        Fs.deleteTree(to);
                    }
                    parent(root, e.path(), folders);
                    Files.createSymbolicLink(to, to.getFileSystem().getPath(e.linkTarget()));
                }
                case FILE -> {
                    return copyFile(request, e, root, to, fresh, folders, previous, retries, wait, buffer);
                }
                default -> throw new IOException("cannot copy '" + e.path() + "' of type " + e.type());
            }
            return true;
        }

        /**
         * Makes the entries on {@code threads} threads, the calling one among them; the first failure stops the
         * others at their next entry and is thrown once all have stopped.
         */
        void inParallel(List<UnitEntry> entries, int threads) throws IOException {
            AtomicInteger next = new AtomicInteger();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Runnable work = () -> {
                Set<String> folders = new HashSet<>();
                byte[] buffer = new byte[BUFFER];
                try {
                    for (int from; failure.get() == null && !Thread.currentThread().isInterrupted()
                            && (from = next.getAndAdd(CHUNK)) < entries.size(); ) {
                        for (int i = from; i < Math.min(entries.size(), from + CHUNK) && failure.get() == null; i++) {
                            entry(entries.get(i), folders, buffer);
                        }
                    }
                } catch (IOException | RuntimeException | Error e) {
                    failure.compareAndSet(null, e);
                }
            };
            int helpers = Math.min(threads, (entries.size() + CHUNK - 1) / CHUNK) - 1;
            ExecutorService pool = Executors.newFixedThreadPool(helpers, r -> {
                Thread t = new Thread(r, THREAD_NAME + "-" + THREADS_MADE.incrementAndGet());
                t.setDaemon(true);
                return t;
            });
            try {
                List<Future<?>> helping = new ArrayList<>();
                for (int i = 0; i < helpers; i++) {
                    helping.add(pool.submit(work));
                }
                work.run();
                for (Future<?> f : helping) {
                    Pools.result(f, "the copy of unit '" + request.unit() + "'");
                }
            } finally {
                pool.shutdownNow();
                Pools.awaitEnd(pool, () -> { });
            }
            if (Thread.currentThread().isInterrupted() && failure.get() == null) {
                throw new InterruptedIOException("interrupted while copying unit '" + request.unit() + "'");
            }
            Pools.rethrow(failure.get());
        }
    }

    /** @return {@code true} when the unit's folder did not exist and was made now */
    private static boolean makeRoot(Path root) throws IOException {
        try {
            Files.createDirectory(root);
            return true;
        } catch (FileAlreadyExistsException exists) {
            Files.createDirectories(root); // fails, naming it, when it is not a folder
            return false;
        } catch (NoSuchFileException noParent) {
            Files.createDirectories(root);
            return true;
        }
    }

    /**
     * Makes the folder {@code path} of the copy, in place of a file or link left there by an earlier run, and notes
     * it in {@code folders}, the folders known to exist. Entries come parents first, so its parent is usually known.
     */
    private static void folder(Path root, String path, Set<String> folders) throws IOException {
        if (path.isEmpty() || folders.contains(path)) {
            return;
        }
        Path to = root.resolve(path);
        try {
            makeFolder(to);
        } catch (NoSuchFileException noParent) {
            parent(root, path, folders);
            makeFolder(to);
        }
        folders.add(path);
    }

    /** Makes a folder; one already there (made by another thread, or left by an earlier run) is kept. */
    private static void makeFolder(Path to) throws IOException {
        try {
            Files.createDirectory(to);
        } catch (FileAlreadyExistsException exists) {
            if (!Files.isDirectory(to, LinkOption.NOFOLLOW_LINKS)) {
                Fs.deleteTree(to);
                Files.createDirectory(to);
            }
        }
    }

    /** Makes the parent folder of {@code path} unless it is known to exist. */
    private static void parent(Path root, String path, Set<String> folders) throws IOException {
        int slash = path.lastIndexOf('/');
        folder(root, slash < 0 ? "" : path.substring(0, slash), folders);
    }

    /**
     * @return {@code false} when the file vanished and was left out
     */
    private static boolean copyFile(ArchiveWriteRequest request, UnitEntry e, Path root, Path to, boolean fresh,
                                    Set<String> folders, Optional<Path> previous, int retries, Duration wait,
                                    byte[] buffer) throws IOException {
        BasicFileAttributes existing = fresh ? null : attributes(to);
        if (existing != null) {
            if (existing.isRegularFile() && existing.size() == e.size()
                    && existing.lastModifiedTime().equals(e.mtime())) {
                request.kept(e, to);
                return true;
            }
            Fs.deleteTree(to);
        }
        parent(root, e.path(), folders);
        if (previous.isPresent() && request.unchanged(e)) {
            Path from = previous.get().resolve(e.path());
            BasicFileAttributes before = attributes(from);
            if (before != null && before.isRegularFile() && before.size() == e.size()) {
                try {
                    Files.createLink(to, from);
                    request.reused(e);
                    return true;
                } catch (UnsupportedOperationException | IOException linkFailed) {
                    Files.deleteIfExists(to); // another file system, or too many links: copy instead
                }
            }
        }
        for (int attempt = 0; ; attempt++) {
            InputStream in;
            try {
                in = request.open(e);
            } catch (NoSuchFileException vanished) {
                return false;
            } catch (IOException | BackupException failed) {
                pause(e, attempt, retries, wait, failed);
                continue;
            }
            try (in; OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE)) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    out.write(buffer, 0, n);
                }
            } catch (IOException failed) {
                Files.deleteIfExists(to);
                pause(e, attempt, retries, wait, failed);
                continue;
            }
            Files.setLastModifiedTime(to, e.mtime());
            return true;
        }
    }

    private static void pause(UnitEntry e, int attempt, int retries, Duration wait, Exception failed)
            throws IOException {
        if (attempt >= retries) {
            if (failed instanceof BackupException be) {
                throw be;
            }
            throw new IOException("copying '" + e.path() + "' failed" + (retries > 0 ? " after " + (retries + 1)
                    + " attempts" : "") + ": " + failed.getMessage(), failed);
        }
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting to retry '" + e.path() + "'", ie);
        }
    }

    private static BasicFileAttributes attributes(Path p) {
        try {
            return Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null;
        }
    }

    private static void addWithParents(Set<String> wanted, String path) {
        int slash = path.length();
        while (slash > 0 && wanted.add(path.substring(0, slash))) {
            slash = path.lastIndexOf('/', slash - 1);
        }
    }

    /** Deletes what the unit no longer holds: robocopy's purge. */
    private static void removeExtras(Path root, Path dir, Set<String> wanted) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        for (Path child : children) {
            String rel = root.relativize(child).toString().replace(child.getFileSystem().getSeparator(), "/");
            if (!wanted.contains(rel)) {
                Fs.deleteTree(child);
            } else if (Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                removeExtras(root, child, wanted);
            }
        }
    }

    @Override
    public List<String> checkOptions(Map<String, String> options) {
        List<String> problems = new ArrayList<>();
        try {
            retries(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        try {
            retryWait(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        try {
            threads(options);
        } catch (IOException e) {
            problems.add(e.getMessage());
        }
        return problems;
    }

    static int retries(Map<String, String> options) throws IOException {
        String value = options.getOrDefault(RETRIES, "0").strip();
        try {
            int n = Integer.parseInt(value);
            if (n >= 0 && n <= MAX_RETRIES) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("option '" + RETRIES + "' must be a whole number from 0 to " + MAX_RETRIES + ", was '"
                + value + "'");
    }

    /**
     * @return the {@link #THREADS} option; {@code auto} (the default) is {@link #autoThreads()}
     */
    static int threads(Map<String, String> options) throws IOException {
        String value = options.getOrDefault(THREADS, "auto").strip();
        if (value.equalsIgnoreCase("auto")) {
            return autoThreads();
        }
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= MAX_THREADS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("option '" + THREADS + "' must be 'auto' or a whole number from 1 to " + MAX_THREADS
                + ", was '" + value + "'");
    }

    /** @return the threads {@code auto} stands for: one a core, at most 4 */
    static int autoThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    static Duration retryWait(Map<String, String> options) throws IOException {
        String value = options.getOrDefault(RETRY_WAIT, "0").strip().toLowerCase(Locale.ROOT);
        try {
            Duration d;
            if (value.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(value.substring(0, value.length() - 2).strip()));
            } else if (value.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(value.substring(0, value.length() - 1).strip()));
            } else if (value.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(value.substring(0, value.length() - 1).strip()));
            } else {
                d = Duration.ofSeconds(Long.parseLong(value));
            }
            if (!d.isNegative() && d.compareTo(Duration.ofHours(1)) <= 0) {
                return d;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IOException("option '" + RETRY_WAIT + "' must be a wait such as 10s, 500ms or 2m, at most 1 hour,"
                + " was '" + value + "'");
    }

    @Override
    public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        readInto(archive, archive, visitor);
    }

    private void readInto(Path root, Path dir, EntryVisitor visitor) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            String rel = root.relativize(child).toString().replace(child.getFileSystem().getSeparator(), "/");
            BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                String target = Files.readSymbolicLink(child).toString()
                        .replace(child.getFileSystem().getSeparator(), "/");
                visitor.visit(new ArchivedEntry(rel, EntryType.SYMLINK, 0, -1, a.lastModifiedTime(), target),
                        InputStream.nullInputStream());
            } else if (a.isDirectory()) {
                visitor.visit(new ArchivedEntry(rel, EntryType.DIRECTORY, 0, -1, a.lastModifiedTime(), null),
                        InputStream.nullInputStream());
                readInto(root, child, visitor);
            } else if (a.isRegularFile()) {
                try (InputStream in = Files.newInputStream(child, LinkOption.NOFOLLOW_LINKS)) {
                    visitor.visit(new ArchivedEntry(rel, EntryType.FILE, a.size(), -1, a.lastModifiedTime(), null), in);
                }
            } else {
                visitor.visit(new ArchivedEntry(rel, EntryType.OTHER, 0, -1, a.lastModifiedTime(), null),
                        InputStream.nullInputStream());
            }
        }
    }
}
