package io.backupkit;

/**
 * A snapshot failed verification: an archive, index or file does not match its recorded hash, is missing, or holds
 * an entry a restore refuses (see {@link RestoreException}). Thrown by a restore before the target is touched;
 * {@link #verifyResult()} names every problem, {@link #entry()} the first.
 *
 * <pre>{@code
 * try {
 *     plan.restore(RestoreRequest.latest());
 * } catch (CorruptSnapshotException e) {
 *     e.verifyResult().problems().forEach(System.err::println);
 * }
 * }</pre>
 */
public class CorruptSnapshotException extends RestoreException {

    private static final long serialVersionUID = 1L;

    private final transient VerifyResult verifyResult;

    /**
     * @param verifyResult the failed verification; its problems are summarised in the message
     */
    public CorruptSnapshotException(VerifyResult verifyResult) {
        super(describe(verifyResult), verifyResult.problems().isEmpty() ? null
                : verifyResult.problems().get(0).path());
        this.verifyResult = verifyResult;
    }

    /**
     * @return the verification that failed, with every problem found
     */
    public VerifyResult verifyResult() {
        return verifyResult;
    }

    private static String describe(VerifyResult result) {
        StringBuilder sb = new StringBuilder("Snapshot ").append(result.snapshotId()).append(" is damaged (")
                .append(result.problems().size()).append(result.problems().size() == 1 ? " problem" : " problems")
                .append("): ");
        int shown = Math.min(3, result.problems().size());
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append("; ");
            }
            sb.append(result.problems().get(i));
        }
        if (result.problems().size() > shown) {
            sb.append("; and ").append(result.problems().size() - shown).append(" more");
        }
        return sb.toString();
    }
}
