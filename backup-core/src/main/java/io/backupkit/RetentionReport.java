package io.backupkit;

import java.time.Instant;
import java.util.List;

/**
 * What retention removed ({@link BackupPlan#prune()}) or would remove ({@link BackupPlan#previewRetention()}).
 *
 * <pre>{@code
 * RetentionReport preview = plan.previewRetention();
 * preview.removed().forEach(r -> System.out.println(r.snapshot().id() + ": " + r.reason()));
 * }</pre>
 *
 * @param policy the policy applied, as it prints (e.g. {@code union(keepLast(3), gfs(daily=7))})
 * @param now the time the policy was asked at
 * @param kept the complete snapshots kept, newest first
 * @param removed the complete snapshots removed (or that would be), newest first
 * @param warnings what went wrong without failing: a policy that threw (nothing is then removed), a snapshot that
 *        could not be removed (it is then listed in {@code kept}), an unreadable pins file
 * @param dryRun {@code true} for a preview: nothing was written or deleted
 */
public record RetentionReport(String policy, Instant now, List<Snapshot> kept, List<Removed> removed,
                              List<String> warnings, boolean dryRun) {

    /** Copies the lists. */
    public RetentionReport {
        kept = List.copyOf(kept);
        removed = List.copyOf(removed);
        warnings = List.copyOf(warnings);
    }

    /**
     * @return the ids of the removed snapshots, newest first
     */
    public List<String> removedIds() {
        return removed.stream().map(r -> r.snapshot().id()).toList();
    }

    /**
     * One snapshot that retention removes.
     *
     * @param snapshot the snapshot
     * @param reason why: the policy that did not keep it, and that it is not protected
     */
    public record Removed(Snapshot snapshot, String reason) {
    }
}
