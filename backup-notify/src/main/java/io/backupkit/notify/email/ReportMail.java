package io.backupkit.notify.email;

import io.backupkit.RunReport;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The text and HTML bodies of a report mail: the same facts in the same order. */
final class ReportMail {

    private ReportMail() {
    }

    /** Label and value, in display order. */
    static List<Map.Entry<String, String>> facts(RunReport r) {
        List<Map.Entry<String, String>> f = new ArrayList<>();
        f.add(Map.entry("Operation", r.operation() == null ? "unknown"
                : r.operation().name().toLowerCase(Locale.ROOT) + (r.dryRun() ? " (dry run)" : "")));
        f.add(Map.entry("Outcome", r.outcome() == null ? "unknown" : r.outcome().name()));
        f.add(Map.entry("Snapshot", r.snapshotId() == null ? "none" : r.snapshotId()));
        f.add(Map.entry("Host", r.host() == null ? "unknown" : r.host()));
        f.add(Map.entry("Started", iso(r.started())));
        f.add(Map.entry("Finished", iso(r.finished())));
        f.add(Map.entry("Duration", r.started() == null || r.finished() == null ? "unknown" : duration(r.duration())));
        f.add(Map.entry("Files", Long.toString(r.files())));
        f.add(Map.entry("Bytes", r.bytes() + " (" + String.format(Locale.ROOT, "%.1f MB", r.bytes() / 1e6) + ")"));
        f.add(Map.entry("Units", r.units() + " (" + Math.max(0, r.units() - r.unitsReused()) + " written, "
                + r.unitsReused() + " reused)"));
        f.add(Map.entry("App version", r.appVersion() == null ? "unknown" : r.appVersion()));
        f.add(Map.entry("Log", r.log() == null ? "none" : r.log().toString()));
        if (r.errorLog() != null) {
            f.add(Map.entry("Error log", r.errorLog().toString()));
        }
        return f;
    }

    static String text(RunReport r, String attachmentNote) {
        StringBuilder b = new StringBuilder();
        b.append(r.summary()).append("\n\n");
        for (Map.Entry<String, String> e : facts(r)) {
            b.append(String.format(Locale.ROOT, "%-12s %s%n", e.getKey() + ":", e.getValue()));
        }
        list(b, "Errors", r.errors());
        list(b, "Warnings", r.warnings());
        if (attachmentNote != null) {
            b.append('\n').append(attachmentNote).append('\n');
        }
        return b.toString().replace(System.lineSeparator(), "\n");
    }

    static String html(RunReport r, String attachmentNote) {
        StringBuilder b = new StringBuilder();
        b.append("<!DOCTYPE html>\n<html><head><meta charset=\"UTF-8\"><title>").append(esc(r.summary()))
                .append("</title></head>\n<body style=\"font-family: sans-serif\">\n<p style=\"font-weight: bold;"
                        + " color: ").append(r.success() ? "#1a7f37" : "#cf222e").append("\">")
                .append(esc(r.summary())).append("</p>\n<table>\n");
        for (Map.Entry<String, String> e : facts(r)) {
            b.append("<tr><th style=\"text-align: left; padding-right: 1em\">").append(esc(e.getKey()))
                    .append("</th><td>").append(esc(e.getValue())).append("</td></tr>\n");
        }
        b.append("</table>\n");
        htmlList(b, "Errors", r.errors());
        htmlList(b, "Warnings", r.warnings());
        if (attachmentNote != null) {
            b.append("<p>").append(esc(attachmentNote)).append("</p>\n");
        }
        return b.append("</body></html>\n").toString();
    }

    static String iso(Instant t) {
        return t == null ? "unknown" : DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
    }

    private static String duration(Duration d) {
        long s = d.toSeconds();
        return s + " s (" + d.truncatedTo(ChronoUnit.SECONDS) + ")";
    }

    private static void list(StringBuilder b, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        b.append('\n').append(title).append(" (").append(items.size()).append("):\n");
        for (String item : items) {
            b.append("- ").append(item).append('\n');
        }
    }

    private static void htmlList(StringBuilder b, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        b.append("<h3>").append(title).append(" (").append(items.size()).append(")</h3>\n<ul>\n");
        for (String item : items) {
            b.append("<li>").append(esc(item)).append("</li>\n");
        }
        b.append("</ul>\n");
    }

    static String esc(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }
}
