package io.backupkit;

import io.backupkit.spi.RetentionPolicy;

import java.time.Instant;
import java.util.List;

/**
 * The built-in retention policies. A policy only ever runs after a successful backup, and the snapshot just written
 * is always kept, whatever the policy says.
 *
 * <pre>{@code
 * BackupPlan.builder().source(src).destination(dest).retention(RetentionPolicies.keepLast(7)).build();
 * }</pre>
 */
public final class RetentionPolicies {

    private RetentionPolicies() {
    }

    /**
     * Keeps the newest {@code n} complete snapshots (PlexBackup's {@code Keep}).
     *
     * @param n how many to keep, at least 1
     * @return the policy
     * @throws InvalidPlanException if {@code n < 1}
     */
    public static RetentionPolicy keepLast(int n) {
        if (n < 1) {
            throw new InvalidPlanException(List.of("keepLast needs n >= 1, was " + n));
        }
        return new KeepLast(n);
    }

    /**
     * Keeps every snapshot: the default.
     *
     * @return the policy
     */
    public static RetentionPolicy keepAll() {
        return KeepAll.INSTANCE;
    }

    private record KeepLast(int n) implements RetentionPolicy {
        @Override
        public String id() {
            return "keep-last";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            return complete.stream()
                    .sorted(java.util.Comparator.comparing(Snapshot::id).reversed())
                    .limit(n)
                    .toList();
        }

        @Override
        public String toString() {
            return "keepLast(" + n + ")";
        }
    }

    private enum KeepAll implements RetentionPolicy {
        INSTANCE;

        @Override
        public String id() {
            return "keep-all";
        }

        @Override
        public List<Snapshot> keep(List<Snapshot> complete, Instant now) {
            return complete;
        }

        @Override
        public String toString() {
            return "keepAll()";
        }
    }
}
