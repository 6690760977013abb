package io.backupkit.spi;

import io.backupkit.RunReport;

import java.nio.file.Path;

/**
 * What a {@link Notifier} is asked to send: the run's report, and the log to attach when the plan's
 * {@link io.backupkit.AttachLog} condition says so.
 *
 * <pre>{@code
 * public void send(Notification n) {
 *     String subject = n.report().summary();
 *     if (n.attachment() != null) { ... attach n.attachment() ... }
 * }
 * }</pre>
 *
 * @param report what the run did
 * @param attachment the run log to attach, or {@code null} when none is to be attached
 */
public record Notification(RunReport report, Path attachment) {
}
