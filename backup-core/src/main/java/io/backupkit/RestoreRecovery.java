package io.backupkit;

import java.nio.file.Path;

/**
 * What {@link BackupPlan#recoverRestore(Path)} found and did about a restore into a folder that was interrupted
 * (killed, power cut) before it finished.
 *
 * @param target the folder restored into
 * @param outcome what was done
 * @param workFolder the interrupted restore's work folder, now removed; {@code null} when there was none
 */
public record RestoreRecovery(Path target, Outcome outcome, Path workFolder) {

    /** What an interrupted restore left, and so which content the target holds now. */
    public enum Outcome {
        /** No interrupted restore: the target is as the last finished run left it. */
        NONE,
        /** Interrupted before its swap: the extracted files were removed; the target holds its old content. */
        DISCARDED,
        /** Interrupted during its swap: every rename was undone in reverse order; the target holds its old content. */
        ROLLED_BACK,
        /** Interrupted after its swap was committed: the leftovers were removed; the target holds the restored content. */
        FINISHED
    }
}
