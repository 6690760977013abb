package io.backupkit.spi;

import io.backupkit.Snapshot;

import java.time.Instant;
import java.util.List;

/**
 * Says which complete snapshots to keep after a successful backup. Snapshots it does not return are removed, except
 * the one just written, which is always kept.
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
     * @param complete every complete snapshot in the destination, newest first
     * @param now the current time
     * @return the snapshots to keep
     */
    List<Snapshot> keep(List<Snapshot> complete, Instant now);
}
