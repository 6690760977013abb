package io.backupkit;

import io.backupkit.spi.Notifier;

/**
 * A notifier of a plan and when it is told: the run's condition and whether the run log goes with the notice.
 *
 * <pre>{@code
 * plan.notifiers().forEach(r -> System.out.println(r.notifier().id() + " " + r.when()));
 * }</pre>
 *
 * @param notifier who is told
 * @param when after which runs
 * @param attachLog when the run log is attached
 */
public record NotifyRule(Notifier notifier, NotifyWhen when, AttachLog attachLog) {
}
