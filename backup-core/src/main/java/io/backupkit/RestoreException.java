package io.backupkit;

/**
 * A restore refused what it was given before the target was touched: an entry that would escape the target
 * ({@code ..}, an absolute name, a link pointing outside), a hard link, device or FIFO, a duplicate name, or more
 * bytes, entries or compression than the plan's {@link RestoreLimits} allow. {@link #entry()} names the entry at
 * fault when there is one.
 *
 * <pre>{@code
 * try {
 *     plan.restore(RestoreRequest.fromArchive(Path.of("download.tar.gz")).target(dir));
 * } catch (RestoreException e) {
 *     System.err.println("refused " + e.entry().orElse("the archive") + ": " + e.getMessage());
 * }
 * }</pre>
 */
public class RestoreException extends BackupException {

    private static final long serialVersionUID = 1L;

    private final String entry;

    /**
     * @param message what was refused and why, naming the entry
     * @param entry the entry's name as stored, or {@code null} when the refusal is about the whole archive
     */
    public RestoreException(String message, String entry) {
        super(message);
        this.entry = entry;
    }

    /**
     * @return the entry at fault, as stored in the archive or index
     */
    public java.util.Optional<String> entry() {
        return java.util.Optional.ofNullable(entry);
    }
}
