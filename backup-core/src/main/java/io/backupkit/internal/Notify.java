package io.backupkit.internal;

import io.backupkit.BackupPlan;
import io.backupkit.NotifyRule;
import io.backupkit.RunReport;
import io.backupkit.spi.Notification;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Tells the plan's notifiers how a run went, each when its condition matches, with the run log attached when its
 * log condition matches. A notifier that fails is a warning, never a failed run; what it threw is logged by class and
 * message only.
 *
 * <pre>{@code
 * List<String> warnings = Notify.after(plan, report);
 * }</pre>
 */
public final class Notify {

    private static final Logger LOG = LoggerFactory.getLogger("io.backupkit.run");

    /** Folder of the destination holding the logs of runs that have no snapshot to keep them in. */
    public static final String LOGS = ".backupkit-logs";

    private Notify() {
    }

    /**
     * @param plan the plan, for its notifiers
     * @param report the finished run
     * @return one warning per notifier that failed
     */
    public static List<String> after(BackupPlan plan, RunReport report) {
        List<String> warnings = new ArrayList<>();
        for (NotifyRule rule : plan.notifiers()) {
            if (!rule.when().matches(report)) {
                continue;
            }
            Path attachment = rule.attachLog().matches(report) && report.log() != null
                    && Files.isRegularFile(report.log()) ? report.log() : null;
            try {
                rule.notifier().send(new Notification(report, attachment));
                LOG.info("Notified {} of the {}", rule.notifier().id(), report.summary());
            } catch (Exception e) {
                String m = "Notifier " + rule.notifier().id() + " failed: " + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "; the run itself is not affected";
                LOG.warn("{}", m);
                warnings.add(m);
            } catch (LinkageError e) {
                String m = "Notifier " + rule.notifier().id() + " cannot run here: " + e;
                LOG.warn("{}", m);
                warnings.add(m);
            }
        }
        return warnings;
    }

    /**
     * @param e a failure
     * @return its message and the distinct messages of its causes, for {@link RunReport#errors()}
     */
    public static List<String> errors(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null && out.size() < 5; t = t.getCause()) {
            String m = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
            if (out.stream().noneMatch(o -> o.contains(m))) {
                out.add(m);
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return out;
    }

    /**
     * @param plan the plan
     * @return where a run without a snapshot folder keeps its log: the destination's {@value #LOGS} when the
     *         destination exists, else the temporary folder
     */
    public static Path logFolder(BackupPlan plan) {
        Path dest = plan.destination();
        return dest != null && Files.isDirectory(dest) && Files.isWritable(dest) ? dest.resolve(LOGS)
                : Path.of(System.getProperty("java.io.tmpdir")).resolve("backupkit-logs");
    }
}
