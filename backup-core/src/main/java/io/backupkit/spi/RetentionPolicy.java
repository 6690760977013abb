package io.backupkit.spi;

import io.backupkit.Snapshot;

import java.time.Instant;
import java.util.List;

/**
 * Says which complete snapshots to keep after a successful backup or on {@link io.backupkit.BackupPlan#prune()}.
 * Snapshots it does not return are removed, except those the engine always keeps whatever a policy returns: the
 * snapshot just written, the newest complete snapshot and pinned snapshots ({@link Snapshot#pinned()}). Unfinished
 * snapshots are never shown to a policy. A policy that throws (or returns {@code null}) removes nothing; the run
 * gets a warning.
 *
 * <pre>{@code
 * RetentionPolicy keepTwo = new RetentionPolicy() {
 *     public String id() { return "keep-two"; }
 *     public List<Snapshot> keep(List<Snapshot> complete, Instant now) { return complete.subList(0, Math.min(2, complete.size())); }
 * };
 * }</pre>
 */
public interface RetentionPolicy {

    /**
     * @return a short name for logs and messages
     */
    String id();

    /**
     * @param complete every complete snapshot in the destination, newest first (by id)
     * @param now the current time
     * @return the snapshots to keep; entries not in {@code complete} are ignored
     */
    List<Snapshot> keep(List<Snapshot> complete, Instant now);
}
