package io.backupkit.spi;

/**
 * Tells someone how a run went: email, a webhook, a phone notification. The plan decides when (its
 * {@link io.backupkit.NotifyWhen} condition) and whether the run log goes with it ({@link io.backupkit.AttachLog}).
 * A notifier that fails is a warning on the run's result and log, never a failed run. A notifier must bound its own
 * time (connect and read timeouts, a few retries at most), so that a dead server cannot hang the run; it must never
 * put a password or token in a message, a log line or its {@code toString()}.
 *
 * <pre>{@code
 * Notifier stdout = new Notifier() {
 *     public String id() { return "stdout"; }
 *     public void send(Notification n) { System.out.println(n.report().summary()); }
 * };
 * BackupPlan.builder()...notify(stdout, NotifyWhen.ALWAYS, AttachLog.NEVER).build();
 * }</pre>
 */
public interface Notifier {

    /**
     * @return a short name for logs and messages, e.g. {@code "email:smtp.gmail.com"}
     */
    String id();

    /**
     * @param notification the run's report and the log to attach, if any
     * @throws Exception any failure; reported as a warning
     */
    void send(Notification notification) throws Exception;
}
