package io.backupkit.archivers.mirror;

import io.backupkit.internal.FolderArchiver;
import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.Archiver;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code mirror} archiver: each unit is a plain folder copy that can be browsed and copied back by hand, with
 * robocopy {@code /MIR} semantics. On {@code resume} a unit's unfinished copy is brought up to date (only what
 * changed is copied, what no longer exists is removed); unchanged files are hard-linked from the previous mirror
 * snapshot when it is on the same file system, so keeping N snapshots costs only the changed bytes; a failed copy
 * is retried {@code retries} times after {@code retryWait} (defaults 5 and 10 s, as robocopy is used by
 * PlexBackup). A new copy is made by {@code threads} threads at once ({@code auto}, the default, is one a core, at
 * most 4; 1-16). Restores, verifies and resumes like any other archiver: every file's SHA-256 is in the index.
 *
 * <pre>{@code
 * BackupPlan.builder().source(src).destination(nas).archiver("mirror")
 *         .archiverOption("retries", "3").archiverOption("retryWait", "30s").build();
 * }</pre>
 */
public final class MirrorArchiver implements Archiver {

    /** Default number of retries of a failed copy. */
    public static final String DEFAULT_RETRIES = "5";
    /** Default wait before a retry. */
    public static final String DEFAULT_RETRY_WAIT = "10s";

    /** Default threads that make a unit's copy: {@code auto}, one a core, at most 4. */
    public static final String DEFAULT_THREADS = "auto";

    private final FolderArchiver copier = new FolderArchiver();

    /** Used by {@link java.util.ServiceLoader}. */
    public MirrorArchiver() {
    }

    @Override
    public String id() {
        return "mirror";
    }

    @Override
    public String extension() {
        return "";
    }

    @Override
    public Map<String, String> defaultOptions() {
        return Map.of(FolderArchiver.RETRIES, DEFAULT_RETRIES, FolderArchiver.RETRY_WAIT, DEFAULT_RETRY_WAIT,
                FolderArchiver.THREADS, DEFAULT_THREADS);
    }

    /** Retries and threads change how a copy is made, never what is copied: earlier mirrors are linked whatever. */
    @Override
    public Set<String> contentOptions() {
        return Set.of();
    }

    @Override
    public List<String> checkOptions(Map<String, String> options) {
        return copier.checkOptions(options);
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        copier.write(request);
    }

    @Override
    public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        copier.read(archive, options, visitor);
    }
}
