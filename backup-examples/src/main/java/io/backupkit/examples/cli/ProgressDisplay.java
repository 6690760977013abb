package io.backupkit.examples.cli;

import io.backupkit.ProgressEvent;
import io.backupkit.ProgressListener;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Draws a progress bar on standard error while a run works: one bar per run (backup, verify, restore), filled by
 * bytes, with the current unit and the file count as its message. When disabled (no console, {@code --quiet}) it
 * prints nothing at all, so scripts see only the final line.
 *
 * <pre>{@code
 * try (ProgressDisplay progress = new ProgressDisplay(System.err, System.console() != null)) {
 *     plan.toBuilder().listener(progress).build().backup();
 * }
 * }</pre>
 */
final class ProgressDisplay implements ProgressListener, AutoCloseable {

    private static final long KIB = 1024;
    private static final long MIB = 1024 * KIB;
    private static final int UNIT_WIDTH = 14;

    private final PrintStream err;
    private final boolean enabled;
    private ProgressBar bar;
    private String task = "";
    private String unit = "";
    private boolean byFiles;

    /**
     * @param err where the bar is drawn
     * @param enabled {@code false} to draw nothing
     */
    ProgressDisplay(PrintStream err, boolean enabled) {
        this.err = err;
        this.enabled = enabled;
    }

    /**
     * @return whether a bar is drawn at all
     */
    boolean enabled() {
        return enabled;
    }

    @Override
    public synchronized void onEvent(ProgressEvent event) {
        if (!enabled) {
            return;
        }
        if (event instanceof ProgressEvent.RunStarted s) {
            open(s.operation().name().toLowerCase(Locale.ROOT), s.files(), s.bytes());
        } else if (event instanceof ProgressEvent.UnitStarted u) {
            unit = unitName(u.unit());
            if (bar != null) {
                bar.setExtraMessage(message(unit, null));
            }
        } else if (event instanceof ProgressEvent.Progress p) {
            if (bar == null) {
                open(task.isEmpty() ? "working" : task, p.filesTotal(), p.bytesTotal());
            }
            long max = byFiles ? p.filesTotal() : p.bytesTotal();
            if (max > bar.getMax()) {
                bar.maxHint(max);
            }
            bar.stepTo(byFiles ? p.filesDone() : p.bytesDone());
            int width = String.valueOf(p.filesTotal()).length();
            bar.setExtraMessage(message(p.unit() == null ? unit : unitName(p.unit()),
                    String.format(Locale.ROOT, "%" + width + "d/%d", p.filesDone(), p.filesTotal())));
        } else if (event instanceof ProgressEvent.UnitFinished f && bar != null && f.reused()) {
            bar.setExtraMessage(message(unitName(f.unit()), "kept"));
        } else if (event instanceof ProgressEvent.RunFinished f) {
            finish(f.success());
        }
    }

    private void open(String name, long files, long bytes) {
        finish(false);
        task = name;
        unit = "";
        byFiles = bytes <= 0;
        long max = Math.max(1, byFiles ? files : bytes);
        ProgressBarBuilder builder = new ProgressBarBuilder()
                .setTaskName(name)
                .setInitialMax(max)
                .setStyle(ProgressBarStyle.ASCII)
                .setConsumer(new ConsoleProgressBarConsumer(err))
                .setUpdateIntervalMillis(200);
        if (!byFiles) {
            if (bytes >= 100 * MIB) {
                builder.setUnit(" MiB", MIB);
            } else if (bytes >= 100 * KIB) {
                builder.setUnit(" KiB", KIB);
            } else {
                builder.setUnit(" B", 1);
            }
        } else {
            builder.setUnit(" files", 1);
        }
        bar = builder.build();
    }

    private void finish(boolean success) {
        if (bar != null) {
            if (success) {
                bar.stepTo(bar.getMax());
            }
            bar.close();
            bar = null;
        }
    }

    /** A message of steady width, so the bar does not jump as units and counts change. */
    private static String message(String unit, String detail) {
        String u = unit.length() > UNIT_WIDTH ? unit.substring(0, UNIT_WIDTH - 1) + "~" : unit;
        return String.format(Locale.ROOT, " %-" + UNIT_WIDTH + "s %s", u, detail == null ? "" : detail);
    }

    private static String unitName(String unit) {
        return unit == null || unit.isEmpty() ? "(root files)" : unit;
    }

    /** Closes the bar of a run that ended without its finish event. */
    @Override
    public synchronized void close() {
        finish(false);
    }
}
