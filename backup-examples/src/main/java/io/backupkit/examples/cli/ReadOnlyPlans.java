package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.ProgressListener;

import java.nio.file.Path;

/**
 * Plans for the commands that only read a destination ({@code list}, {@code verify}): a plan without a source, which
 * can list and verify snapshots but not back up.
 *
 * <pre>{@code
 * List<Snapshot> all = ReadOnlyPlans.of(dest, null).snapshots();
 * }</pre>
 */
final class ReadOnlyPlans {

    private ReadOnlyPlans() {
    }

    /**
     * @param dest the destination
     * @param listener progress listener, or {@code null}
     * @return a plan fit for {@code snapshots()} and {@code verify(id)}
     */
    static BackupPlan of(Path dest, ProgressListener listener) {
        return BackupPlan.builder()
                .destination(dest)
                .listener(listener)
                .build();
    }
}
