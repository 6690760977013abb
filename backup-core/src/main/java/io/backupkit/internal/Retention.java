package io.backupkit.internal;

import io.backupkit.RetentionReport;
import io.backupkit.Snapshot;
import io.backupkit.spi.RetentionPolicy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Applies a retention policy under the engine's safety rules, whatever the policy (a user's own too) returns: only
 * complete snapshots are candidates; the newest complete snapshot, the snapshot just written and pinned snapshots
 * are never removed; a policy that throws or returns {@code null} removes nothing (a warning says why).
 *
 * <pre>{@code
 * Retention.Decision d = Retention.decide(policy, store.list(), justWritten, pinned, Instant.now());
 * }</pre>
 */
public final class Retention {

    private Retention() {
    }

    /**
     * What a policy keeps and removes.
     *
     * @param kept the complete snapshots kept, newest first
     * @param removed the complete snapshots to remove, newest first, with the reason
     * @param warnings what went wrong (the policy failed: nothing removed)
     */
    public record Decision(List<Snapshot> kept, List<RetentionReport.Removed> removed, List<String> warnings) {
        /** Copies the lists. */
        public Decision {
            kept = List.copyOf(kept);
            removed = List.copyOf(removed);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * @param policy the policy
     * @param snapshots every snapshot in the destination, newest first (unfinished ones are ignored)
     * @param justWritten the id of the snapshot the current backup wrote, or {@code null} outside a backup
     * @param pinned the pinned ids (on top of {@link Snapshot#pinned()}), or {@code null} when they could not be
     *        read: then nothing is removed
     * @param now the current time
     * @return the decision
     */
    public static Decision decide(RetentionPolicy policy, List<Snapshot> snapshots, String justWritten,
                                  Set<String> pinned, Instant now) {
        List<Snapshot> complete = new ArrayList<>();
        for (Snapshot s : snapshots) {
            if (s.complete()) {
                complete.add(pinned != null && pinned.contains(s.id()) && !s.pinned() ? s.withPinned(true) : s);
            }
        }
        complete.sort(java.util.Comparator.comparing(Snapshot::id).reversed());
        if (complete.isEmpty()) {
            return new Decision(List.of(), List.of(), List.of());
        }
        if (pinned == null) {
            return new Decision(complete, List.of(), List.of("The pinned snapshots cannot be read; retention removes "
                    + "nothing"));
        }
        List<Snapshot> kept;
        try {
            kept = policy.keep(List.copyOf(complete), now);
            if (kept == null) {
                throw new IllegalStateException("it returned null");
            }
        } catch (RuntimeException e) {
            return new Decision(complete, List.of(), List.of("Retention policy '" + safeId(policy)
                    + "' failed; nothing removed: " + e));
        }
        Set<String> keepIds = new HashSet<>();
        for (Snapshot s : kept) {
            if (s != null) {
                keepIds.add(s.id());
            }
        }
        String newest = complete.get(0).id();
        List<Snapshot> keptOut = new ArrayList<>();
        List<RetentionReport.Removed> removed = new ArrayList<>();
        for (Snapshot s : complete) {
            boolean keep = keepIds.contains(s.id()) || s.id().equals(newest) || s.id().equals(justWritten)
                    || s.pinned();
            if (keep) {
                keptOut.add(s);
            } else {
                removed.add(new RetentionReport.Removed(s, "not kept by " + describe(policy)
                        + "; not pinned, not the newest"));
            }
        }
        return new Decision(keptOut, removed, List.of());
    }

    private static String safeId(RetentionPolicy policy) {
        try {
            return policy.id();
        } catch (RuntimeException e) {
            return policy.getClass().getName();
        }
    }

    /**
     * @param policy a policy
     * @return how it prints, or its id when its {@code toString()} is {@code Object}'s or fails
     */
    public static String describe(RetentionPolicy policy) {
        try {
            String text = String.valueOf(policy);
            String objectDefault = policy.getClass().getName() + "@" + Integer.toHexString(policy.hashCode());
            return text.equals(objectDefault) ? "'" + safeId(policy) + "'" : text;
        } catch (RuntimeException e) {
            return "'" + safeId(policy) + "'";
        }
    }
}
