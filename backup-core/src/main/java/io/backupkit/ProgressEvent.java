package io.backupkit;

/**
 * Events a run sends to its {@link ProgressListener}: the run starts, each unit starts, progress after each file,
 * each unit finishes, the run finishes.
 *
 * <pre>{@code
 * ProgressListener printer = event -> {
 *     switch (event) { ... }   // or instanceof checks on the records below
 * };
 * }</pre>
 */
public sealed interface ProgressEvent {

    /**
     * A run starts.
     *
     * @param operation what the run does
     * @param snapshotId the snapshot written or read
     * @param units number of units to process
     * @param files number of files to process
     * @param bytes bytes of file content to process
     */
    record RunStarted(Operation operation, String snapshotId, int units, long files, long bytes)
            implements ProgressEvent {
    }

    /**
     * A unit starts.
     *
     * @param unit the unit's name ({@code ""} for the source root's files)
     * @param files files in the unit
     * @param bytes bytes of file content in the unit
     */
    record UnitStarted(String unit, long files, long bytes) implements ProgressEvent {
    }

    /**
     * Progress after a file.
     *
     * @param unit the current unit
     * @param path the file just done
     * @param filesDone files done in the whole run
     * @param filesTotal files in the whole run
     * @param bytesDone bytes done in the whole run
     * @param bytesTotal bytes in the whole run
     */
    record Progress(String unit, String path, long filesDone, long filesTotal, long bytesDone, long bytesTotal)
            implements ProgressEvent {
    }

    /**
     * A unit is done.
     *
     * @param unit the unit's name
     * @param reused {@code true} when an earlier run's work was kept instead of written again
     * @param files files in the unit
     * @param bytes bytes of file content in the unit
     */
    record UnitFinished(String unit, boolean reused, long files, long bytes) implements ProgressEvent {
    }

    /**
     * The run is over.
     *
     * @param operation what the run did
     * @param snapshotId the snapshot written or read
     * @param success {@code false} when the run failed
     */
    record RunFinished(Operation operation, String snapshotId, boolean success) implements ProgressEvent {
    }
}
