package io.backupkit.spi;

import io.backupkit.RunReport;

/**
 * Tells someone how a run went. A notifier that fails is a warning on the run, never a failed run.
 *
 * <pre>{@code
 * Notifier stdout = new Notifier() {
 *     public String id() { return "stdout"; }
 *     public void send(RunReport report) { System.out.println(report); }
 * };
 * }</pre>
 */
public interface Notifier {

    /**
     * @return a short name for logs and messages
     */
    String id();

    /**
     * @param report what the run did
     * @throws Exception any failure; reported as a warning
     */
    void send(RunReport report) throws Exception;
}
