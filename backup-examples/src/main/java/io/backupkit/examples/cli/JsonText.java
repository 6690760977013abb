package io.backupkit.examples.cli;

import io.backupkit.VerifyResult;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes BackupKit's result records as pretty JSON for {@code --json}: a record becomes an object with one field per
 * component, in declaration order; paths, instants (ISO-8601), durations (ISO-8601, e.g. {@code PT1.25S}) and enums
 * become strings. {@link VerifyResult} gains an {@code ok} field. Kept free of a JSON library on purpose: the
 * output is small and its shape is part of the command line's contract.
 *
 * <pre>{@code
 * out.println(JsonText.write(plan.snapshots()));
 * }</pre>
 */
final class JsonText {

    private JsonText() {
    }

    /**
     * @param value a record, list, map, string, number, boolean, path, instant, duration, enum or {@code null}
     * @return it as indented JSON, without a trailing line break
     */
    static String write(Object value) {
        StringBuilder sb = new StringBuilder();
        append(sb, tree(value), 0);
        return sb.toString();
    }

    /** Turns a value into maps, lists, strings, numbers, booleans and nulls. */
    static Object tree(Object value) {
        if (value == null || value instanceof String || value instanceof Number || value instanceof Boolean) {
            return value;
        }
        if (value instanceof Path || value instanceof Instant || value instanceof Duration
                || value instanceof Character) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return e.name();
        }
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> out = new LinkedHashMap<>();
            map.forEach((k, v) -> out.put(String.valueOf(k), tree(v)));
            return out;
        }
        if (value instanceof Collection<?> list) {
            List<Object> out = new ArrayList<>();
            list.forEach(v -> out.add(tree(v)));
            return out;
        }
        if (value.getClass().isRecord()) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (RecordComponent c : value.getClass().getRecordComponents()) {
                try {
                    out.put(c.getName(), tree(c.getAccessor().invoke(value)));
                } catch (IllegalAccessException | InvocationTargetException e) {
                    throw new IllegalStateException("cannot read " + c.getName() + " of " + value.getClass(), e);
                }
            }
            if (value instanceof VerifyResult v) {
                out.put("ok", v.ok());
            }
            return out;
        }
        return value.toString();
    }

    private static void append(StringBuilder sb, Object node, int depth) {
        if (node == null) {
            sb.append("null");
        } else if (node instanceof String s) {
            quote(sb, s);
        } else if (node instanceof Double d && (d.isNaN() || d.isInfinite())
                || node instanceof Float f && (f.isNaN() || f.isInfinite())) {
            sb.append("null");
        } else if (node instanceof Number || node instanceof Boolean) {
            sb.append(node);
        } else if (node instanceof Map<?, ?> map) {
            if (map.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append("{\n");
            int i = 0;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                indent(sb, depth + 1);
                quote(sb, (String) e.getKey());
                sb.append(": ");
                append(sb, e.getValue(), depth + 1);
                sb.append(++i < map.size() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append('}');
        } else if (node instanceof List<?> list) {
            if (list.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append("[\n");
            for (int i = 0; i < list.size(); i++) {
                indent(sb, depth + 1);
                append(sb, list.get(i), depth + 1);
                sb.append(i + 1 < list.size() ? ",\n" : "\n");
            }
            indent(sb, depth);
            sb.append(']');
        } else {
            quote(sb, node.toString());
        }
    }

    private static void indent(StringBuilder sb, int depth) {
        sb.append("  ".repeat(depth));
    }

    private static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
