package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.ProgressListener;

import java.nio.file.Path;

/**
 * Plans for the commands that work on a destination without a source ({@code list}, {@code verify}, {@code pin},
 * {@code unpin}): a plan that can list, verify, pin and unpin snapshots but not back up.
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
     * @return a plan fit for {@code snapshots()}, {@code verify(id)}, {@code pin(id)} and {@code unpin(id)}
     */
    static BackupPlan of(String dest, RemoteOptions remote, picocli.CommandLine.Model.CommandSpec spec,
                         ProgressListener listener) {
        BackupPlan.Builder b = BackupPlan.builder().listener(listener);
        remote.apply(b, dest, spec);
        return b.build();
    }

    /**
     * @param dest the destination folder
     * @param listener progress listener, or {@code null}
     * @return a plan fit for {@code snapshots()}, {@code verify(id)}, {@code pin(id)} and {@code unpin(id)}
     */
    static BackupPlan of(Path dest, ProgressListener listener) {
        return BackupPlan.builder()
                .destination(dest)
                .listener(listener)
                .build();
    }
}
