package io.backupkit;

/**
 * Receives progress events from a run, on the thread doing the work: keep it quick. An exception thrown by a
 * listener is logged and otherwise ignored; it never fails the run.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder()
 *     .source(src).destination(dest)
 *     .listener(event -> {
 *         if (event instanceof ProgressEvent.Progress p) {
 *             System.out.printf("%d/%d files%n", p.filesDone(), p.filesTotal());
 *         }
 *     })
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface ProgressListener {

    /**
     * @param event what just happened
     */
    void onEvent(ProgressEvent event);
}
