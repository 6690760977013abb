package io.backupkit.notify.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.backupkit.RunReport;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a {@link RunReport} into the body and headers of one webhook request, within each service's limits. JSON is
 * built with Jackson's tree model, never by concatenation.
 *
 * <pre>{@code
 * Payloads.Payload p = Payloads.of(WebhookNotifier.Format.DISCORD, report);
 * }</pre>
 */
final class Payloads {

    /** Discord: message content. */
    static final int DISCORD_CONTENT = 2000;
    /** Discord: embed title. */
    static final int DISCORD_TITLE = 256;
    /** Discord: embed description. */
    static final int DISCORD_DESCRIPTION = 4096;
    /** Discord: fields per embed. */
    static final int DISCORD_FIELDS = 25;
    /** Discord: field name. */
    static final int DISCORD_FIELD_NAME = 256;
    /** Discord: field value. */
    static final int DISCORD_FIELD_VALUE = 1024;
    /** Discord: title, description, field names and values of one embed together. */
    static final int DISCORD_EMBED_TOTAL = 6000;
    /** Discord embed colours. */
    static final int GREEN = 0x2ECC71;
    static final int RED = 0xE74C3C;

    /** Slack: text of a section block (and the fallback text we send). */
    static final int SLACK_TEXT = 3000;
    /** Slack: one field of a section block. */
    static final int SLACK_FIELD = 2000;
    /** Slack: fields per section block. */
    static final int SLACK_FIELDS = 10;

    /** ntfy: a larger body becomes an attachment, so stay below it (UTF-8 bytes). */
    static final int NTFY_BODY_BYTES = 4000;
    /** ntfy: title length we send (characters, before encoding). */
    static final int NTFY_TITLE = 200;

    /** Error and warning lines listed in an ntfy body, and the characters of each. */
    private static final int NTFY_LINES = 3;
    private static final int NTFY_LINE = 200;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final JsonNodeFactory NODES = JSON.getNodeFactory();

    /**
     * One request's content.
     *
     * @param body the request body
     * @param contentType its media type
     * @param headers further headers, in order
     */
    record Payload(byte[] body, String contentType, Map<String, String> headers) {
        Payload {
            headers = Map.copyOf(headers);
        }
    }

    private Payloads() {
    }

    static Payload of(WebhookNotifier.Format format, RunReport report) {
        return switch (format) {
            case JSON -> json(report);
            case DISCORD -> discord(report);
            case SLACK -> slack(report);
            case NTFY -> ntfy(report);
        };
    }

    // ---------------------------------------------------------------- JSON

    static Payload json(RunReport r) {
        return new Payload(write(report(r)), "application/json", Map.of());
    }

    /** The whole report as a JSON object; times in ISO-8601, durationSeconds with millisecond precision. */
    static ObjectNode report(RunReport r) {
        ObjectNode n = NODES.objectNode();
        n.put("operation", r.operation() == null ? null : r.operation().name());
        n.put("outcome", r.outcome() == null ? null : r.outcome().name());
        n.put("success", r.success());
        n.put("summary", summary(r));
        n.put("snapshotId", r.snapshotId());
        n.put("started", r.started() == null ? null : r.started().toString());
        n.put("finished", r.finished() == null ? null : r.finished().toString());
        Duration d = duration(r);
        n.put("durationSeconds", d == null ? null : BigDecimal.valueOf(d.toMillis(), 3));
        n.put("files", r.files());
        n.put("bytes", r.bytes());
        n.put("units", r.units());
        n.put("unitsReused", r.unitsReused());
        ArrayNode warnings = n.putArray("warnings");
        r.warnings().forEach(warnings::add);
        ArrayNode errors = n.putArray("errors");
        r.errors().forEach(errors::add);
        n.put("appVersion", r.appVersion());
        n.put("host", r.host());
        n.put("log", r.log() == null ? null : r.log().toString());
        n.put("errorLog", r.errorLog() == null ? null : r.errorLog().toString());
        n.put("dryRun", r.dryRun());
        return n;
    }

    // ---------------------------------------------------------------- Discord

    static Payload discord(RunReport r) {
        String summary = summary(r);
        ObjectNode root = NODES.objectNode();
        root.put("username", "BackupKit");
        root.put("content", truncate(summary, DISCORD_CONTENT));
        root.putObject("allowed_mentions").putArray("parse");
        ObjectNode embed = root.putArray("embeds").addObject();
        String title = truncate(summary, DISCORD_TITLE);
        embed.put("title", title);
        embed.put("color", r.success() ? GREEN : RED);
        if (r.finished() != null) {
            embed.put("timestamp", r.finished().toString());
        }
        int used = title.length();
        ArrayNode fields = embed.putArray("fields");
        for (String[] f : facts(r)) {
            if (fields.size() == DISCORD_FIELDS) {
                break;
            }
            String name = truncate(f[0], DISCORD_FIELD_NAME);
            String value = truncate(discordEscape(f[1]), DISCORD_FIELD_VALUE);
            ObjectNode field = fields.addObject();
            field.put("name", name);
            field.put("value", value);
            field.put("inline", true);
            used += name.length() + value.length();
        }
        int budget = Math.min(DISCORD_DESCRIPTION, DISCORD_EMBED_TOTAL - used);
        String description = bulletBlock(r, "**Errors**", "**Warnings**", "- ", Payloads::discordEscape, budget);
        if (!description.isEmpty()) {
            embed.put("description", description);
        }
        return new Payload(write(root), "application/json", Map.of());
    }

    /** Backslash before Discord's markdown characters, so a path with underscores is not set in italics. */
    private static String discordEscape(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if ("\\*_~`|".indexOf(c) >= 0) {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- Slack

    static Payload slack(RunReport r) {
        String summary = summary(r);
        ObjectNode root = NODES.objectNode();
        root.put("text", truncateEscaped(slackEscape(summary), SLACK_TEXT));
        ArrayNode blocks = root.putArray("blocks");
        String icon = r.success() ? ":white_check_mark: " : ":rotating_light: ";
        section(blocks).set("text", mrkdwn(truncateEscaped(icon + "*" + slackEscape(summary) + "*", SLACK_TEXT)));
        ArrayNode fields = NODES.arrayNode();
        for (String[] f : facts(r)) {
            if (fields.size() == SLACK_FIELDS) {
                break;
            }
            fields.add(mrkdwn(truncateEscaped("*" + slackEscape(f[0]) + "*\n" + slackEscape(f[1]), SLACK_FIELD)));
        }
        section(blocks).set("fields", fields);
        if (!r.errors().isEmpty()) {
            section(blocks).set("text", mrkdwn(bulletList("*Errors*", r.errors(), "• ", Payloads::slackEscape,
                    SLACK_TEXT)));
        }
        if (!r.warnings().isEmpty()) {
            section(blocks).set("text", mrkdwn(bulletList("*Warnings (" + r.warnings().size() + ")*", r.warnings(),
                    "• ", Payloads::slackEscape, SLACK_TEXT)));
        }
        return new Payload(write(root), "application/json", Map.of());
    }

    private static ObjectNode section(ArrayNode blocks) {
        ObjectNode block = blocks.addObject();
        block.put("type", "section");
        return block;
    }

    private static ObjectNode mrkdwn(String text) {
        ObjectNode t = NODES.objectNode();
        t.put("type", "mrkdwn");
        t.put("text", text);
        return t;
    }

    /** The three characters Slack wants escaped in mrkdwn. */
    private static String slackEscape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    /** {@link #truncate} that never cuts an {@code &amp;}-style entity in two. */
    private static String truncateEscaped(String s, int max) {
        String t = truncate(s, max);
        if (t.length() == s.length()) {
            return t;
        }
        int amp = t.lastIndexOf('&');
        if (amp >= 0 && amp >= t.length() - 6 && t.indexOf(';', amp) < 0) {
            return t.substring(0, amp) + Redactor.MASK;
        }
        return t;
    }

    // ---------------------------------------------------------------- ntfy

    static Payload ntfy(RunReport r) {
        String summary = summary(r);
        StringBuilder body = new StringBuilder(truncate(oneLine(summary), 300));
        for (String[] f : facts(r)) {
            body.append('\n').append(f[0]).append(": ").append(truncate(oneLine(f[1]), NTFY_LINE));
        }
        appendLines(body, "Errors", r.errors());
        appendLines(body, "Warnings", r.warnings());
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Title", encodeHeader(truncate(oneLine(summary), NTFY_TITLE)));
        headers.put("Priority", r.success() ? "default" : "high");
        headers.put("Tags", r.success() ? "white_check_mark" : "rotating_light");
        return new Payload(truncateUtf8(body.toString(), NTFY_BODY_BYTES), "text/plain; charset=utf-8", headers);
    }

    private static void appendLines(StringBuilder body, String title, List<String> items) {
        if (items.isEmpty()) {
            return;
        }
        body.append("\n\n").append(title).append(" (").append(items.size()).append("):");
        for (int i = 0; i < Math.min(NTFY_LINES, items.size()); i++) {
            body.append("\n- ").append(truncate(oneLine(items.get(i)), NTFY_LINE));
        }
        if (items.size() > NTFY_LINES) {
            body.append("\n- … and ").append(items.size() - NTFY_LINES).append(" more");
        }
    }

    /**
     * @param value header text without control characters
     * @return it as is when it is printable ASCII, otherwise as RFC 2047 encoded words ({@code =?UTF-8?B?...?=},
     *         each at most 75 characters, never splitting a character)
     */
    static String encodeHeader(String value) {
        boolean ascii = value.chars().allMatch(c -> c >= 0x20 && c < 0x7F);
        if (ascii) {
            return value;
        }
        StringBuilder out = new StringBuilder();
        StringBuilder chunk = new StringBuilder();
        int maxBytes = 45; // base64 of 45 bytes is 60 characters; with "=?UTF-8?B?" and "?=" 72
        int bytes = 0;
        for (int i = 0; i < value.length(); ) {
            int cp = value.codePointAt(i);
            String ch = new String(Character.toChars(cp));
            int n = ch.getBytes(StandardCharsets.UTF_8).length;
            if (bytes + n > maxBytes) {
                appendWord(out, chunk);
                chunk.setLength(0);
                bytes = 0;
            }
            chunk.append(ch);
            bytes += n;
            i += Character.charCount(cp);
        }
        appendWord(out, chunk);
        return out.toString();
    }

    private static void appendWord(StringBuilder out, CharSequence chunk) {
        if (chunk.length() == 0) {
            return;
        }
        if (out.length() > 0) {
            out.append(' ');
        }
        out.append("=?UTF-8?B?")
                .append(Base64.getEncoder().encodeToString(chunk.toString().getBytes(StandardCharsets.UTF_8)))
                .append("?=");
    }

    // ---------------------------------------------------------------- shared

    /** The report's facts as name and value, in display order; absent values are left out. */
    static List<String[]> facts(RunReport r) {
        List<String[]> facts = new ArrayList<>();
        String op = r.operation() == null ? "run" : r.operation().name().toLowerCase(Locale.ROOT);
        facts.add(new String[] {"Operation", op + (r.dryRun() ? " (dry run)" : "")});
        facts.add(new String[] {"Outcome", r.success() ? "succeeded" : "FAILED"});
        if (r.snapshotId() != null) {
            facts.add(new String[] {"Snapshot", r.snapshotId()});
        }
        if (r.host() != null) {
            facts.add(new String[] {"Host", r.host()});
        }
        facts.add(new String[] {"Files", Long.toString(r.files())});
        facts.add(new String[] {"Size", String.format(Locale.ROOT, "%.1f MB", r.bytes() / 1e6)});
        Duration d = duration(r);
        if (d != null) {
            facts.add(new String[] {"Duration", human(d)});
        }
        facts.add(new String[] {"Units", r.units() + (r.unitsReused() > 0 ? " (" + r.unitsReused() + " reused)"
                : "")});
        if (r.appVersion() != null) {
            facts.add(new String[] {"App version", r.appVersion()});
        }
        if (!r.warnings().isEmpty()) {
            facts.add(new String[] {"Warnings", Integer.toString(r.warnings().size())});
        }
        if (r.log() != null) {
            facts.add(new String[] {"Log", r.log().toString()});
        }
        return facts;
    }

    /** Errors then warnings under their titles, within {@code budget} characters. */
    private static String bulletBlock(RunReport r, String errorsTitle, String warningsTitle, String bullet,
                                      java.util.function.UnaryOperator<String> escape, int budget) {
        StringBuilder b = new StringBuilder();
        if (!r.errors().isEmpty()) {
            b.append(bulletList(errorsTitle, r.errors(), bullet, escape, budget));
        }
        int left = budget - b.length() - 2;
        if (!r.warnings().isEmpty() && left > 40) {
            if (b.length() > 0) {
                b.append("\n\n");
            }
            b.append(bulletList(warningsTitle + " (" + r.warnings().size() + ")", r.warnings(), bullet, escape,
                    left));
        }
        return b.toString();
    }

    /**
     * @return {@code title}, then one line per item while they fit in {@code max} characters, then "… and N more";
     *         never longer than {@code max}
     */
    static String bulletList(String title, List<String> items, String bullet,
                             java.util.function.UnaryOperator<String> escape, int max) {
        StringBuilder b = new StringBuilder(title);
        int reserve = 24; // room for "\n… and 12345 more"
        for (int i = 0; i < items.size(); i++) {
            String line = "\n" + bullet + truncateEscaped(escape.apply(oneLine(items.get(i))), 500);
            if (b.length() + line.length() > max - reserve) {
                String more = "\n… and " + (items.size() - i) + " more";
                if (b.length() + more.length() <= max) {
                    b.append(more);
                }
                return truncate(b.toString(), max);
            }
            b.append(line);
        }
        return truncate(b.toString(), max);
    }

    /** Control characters (line breaks, tabs) as spaces. */
    static String oneLine(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? ' ' : c);
        }
        return b.toString().strip();
    }

    /**
     * @return {@code s} when it has at most {@code max} characters, else its start ending with "…", never splitting
     *         a surrogate pair; at most {@code max} characters
     */
    static String truncate(String s, int max) {
        if (s.length() <= max) {
            return s;
        }
        int end = max - 1;
        if (end > 0 && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(0, end) + Redactor.MASK;
    }

    /** {@link #truncate} counted in UTF-8 bytes, as bytes. */
    static byte[] truncateUtf8(String s, int maxBytes) {
        byte[] all = s.getBytes(StandardCharsets.UTF_8);
        if (all.length <= maxBytes) {
            return all;
        }
        StringBuilder b = new StringBuilder();
        int bytes = 3; // the ellipsis
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            int n = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
            if (bytes + n > maxBytes) {
                break;
            }
            b.appendCodePoint(cp);
            bytes += n;
            i += Character.charCount(cp);
        }
        return b.append(Redactor.MASK).toString().getBytes(StandardCharsets.UTF_8);
    }

    static String summary(RunReport r) {
        try {
            return r.summary();
        } catch (RuntimeException e) { // a hand-made report without times or operation
            return "BackupKit run " + (r.success() ? "succeeded" : "FAILED");
        }
    }

    private static Duration duration(RunReport r) {
        Instant s = r.started();
        Instant f = r.finished();
        return s == null || f == null ? null : Duration.between(s, f);
    }

    /** {@code 41 s}, {@code 12 min 5 s}, {@code 2 h 3 min}. */
    static String human(Duration d) {
        long s = Math.max(0, d.toSeconds());
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return s / 60 + " min " + s % 60 + " s";
        }
        return s / 3600 + " h " + s % 3600 / 60 + " min";
    }

    private static byte[] write(ObjectNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a JSON tree", e); // cannot happen for a tree
        }
    }
}
