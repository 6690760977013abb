package io.backupkit.examples.profiles;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.backupkit.RestoreStep;
import org.sqlite.JDBC;
import org.sqlite.SQLiteConfig;

import javax.xml.XMLConstants;
import javax.xml.stream.XMLInputFactory;
import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The restore step of {@link AppProfile#remap(PathRemap)}: rewrites the media paths of one application's
 * {@link LibraryLayout} in the extracted files. One run per restore; not thread-safe.
 */
final class LibraryRemap implements RestoreStep {

    private static final Pattern PATH_ELEMENT = Pattern.compile("<Path(\\s[^>]*)?>([^<]+)</Path\\s*>");
    private static final Pattern DECLARED = Pattern.compile("^<\\?xml[^>]*encoding\\s*=\\s*[\"']([A-Za-z0-9._-]+)[\"']");
    private static final Pattern ENTITY = Pattern.compile("&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);");
    private static final byte[] UTF8_BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

    private final String app;
    private final LibraryLayout layout;
    private final PathRemap remap;

    LibraryRemap(String app, LibraryLayout layout, PathRemap remap) {
        this.app = app;
        this.layout = layout;
        this.remap = remap;
    }

    @Override
    public String description() {
        return "remap the " + app + " media paths " + remap;
    }

    @Override
    public String toString() {
        return description();
    }

    @Override
    public void apply(Staged staged) throws IOException {
        new Run(staged).run();
    }

    /** The counts and notes of one run. */
    private final class Run {
        private final Staged staged;
        private final Path root;
        private final ObjectMapper json = new ObjectMapper();
        private final Set<String> matched = new LinkedHashSet<>();
        private final Map<String, Integer> xmlFiles = new TreeMap<>();   // file name -> files changed
        private int xmlPaths;
        private int links;
        private long rows;
        private boolean anything;

        Run(Staged staged) {
            this.staged = staged;
            this.root = staged.extracted();
        }

        void run() throws IOException {
            List<Path> bases = bases();
            for (String pattern : layout.xml()) {
                for (Path f : find(bases, pattern)) {
                    anything = true;
                    xml(f);
                }
            }
            for (String pattern : layout.links()) {
                for (Path f : find(bases, pattern)) {
                    anything = true;
                    link(f);
                }
            }
            List<Path> dbFiles = new ArrayList<>();
            boolean knownTable = false;
            for (LibraryLayout.Database db : layout.databases()) {
                for (Path f : find(bases, db.file())) {
                    anything = true;
                    dbFiles.add(f);
                    knownTable |= database(f, db);
                }
            }
            if (!dbFiles.isEmpty() && !knownTable) {
                staged.warn("no table of " + app + "'s library is known in " + String.join(", ",
                        dbFiles.stream().map(this::rel).toList()) + ": the paths in the database were not remapped");
            }
            if (!anything) {
                staged.note("remap: the restored files hold no " + app + " library definitions or library "
                        + "database; nothing remapped");
            } else {
                staged.note(summary());
            }
            for (String pair : remap.pairs()) {
                if (!matched.contains(pair)) {
                    staged.warn("remap '" + pair + "' matched no path in the restored " + app + " library"
                            + " definitions or database");
                }
            }
        }

        private String summary() {
            List<String> parts = new ArrayList<>();
            xmlFiles.forEach((name, n) -> parts.add(n + " " + name));
            if (xmlFiles.isEmpty() && !layout.xml().isEmpty()) {
                parts.add("0 options.xml");
            }
            if (!layout.links().isEmpty()) {
                parts.add(links + " .mblink file" + (links == 1 ? "" : "s"));
            }
            parts.add(rows + " database row" + (rows == 1 ? "" : "s"));
            String lead = layout.xml().isEmpty() ? "remapped" : "remapped " + xmlPaths + " library path"
                    + (xmlPaths == 1 ? "" : "s") + " in";
            return lead + " " + String.join(", ", parts);
        }

        /** The data folder is the extracted folder, or a folder in it (a Docker volume holding {@code data/}). */
        private List<Path> bases() throws IOException {
            List<Path> out = new ArrayList<>();
            out.add(root);
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(root)) {
                for (Path p : ds) {
                    if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                        out.add(p);
                    }
                }
            }
            out.sort(null);
            return out;
        }

        private String rel(Path p) {
            return root.relativize(p).toString().replace('\\', '/');
        }

        // ------------------------------------------------------------------ XML

        private void xml(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            List<String[]> parsed = parse(file, bytes);          // {value, parent} of each text-only <Path>
            boolean bom = startsWith(bytes, UTF8_BOM);
            Charset cs = charset(bytes, bom, rel(file));
            String text = new String(bytes, bom ? 3 : 0, bytes.length - (bom ? 3 : 0), cs);
            Matcher m = PATH_ELEMENT.matcher(text);
            List<MatchResult> found = new ArrayList<>();
            while (m.find()) {
                found.add(new MatchResult(m.start(2), m.end(2), unescape(m.group(2))));
            }
            if (found.size() != parsed.size() || !sameValues(found, parsed)) {
                throw new IOException(rel(file) + " holds <Path> elements this step cannot edit in place (in a "
                        + "comment or CDATA section?); its library paths were not remapped");
            }
            StringBuilder out = new StringBuilder(text.length() + 64);
            int last = 0;
            int changed = 0;
            for (int i = 0; i < found.size(); i++) {
                MatchResult r = found.get(i);
                if (!layout.pathParents().contains(parsed.get(i)[1])) {
                    continue;
                }
                Optional<PathRemap.Match> to = hit(r.value);
                if (to.isPresent() && !to.get().result().equals(r.value)) {
                    out.append(text, last, r.start).append(escape(to.get().result()));
                    last = r.end;
                    changed++;
                }
            }
            if (changed == 0) {
                return;
            }
            out.append(text, last, text.length());
            byte[] body = out.toString().getBytes(cs);
            write(file, bom ? concat(UTF8_BOM, body) : body);
            xmlPaths += changed;
            xmlFiles.merge(file.getFileName().toString(), 1, Integer::sum);
            staged.note("remapped " + changed + " path" + (changed == 1 ? "" : "s") + " in " + rel(file));
        }

        /** Checks the file is well-formed and lists its text-only {@code <Path>} elements with their parents. */
        private List<String[]> parse(Path file, byte[] bytes) throws IOException {
            XMLInputFactory f = XMLInputFactory.newFactory();
            f.setProperty(XMLInputFactory.SUPPORT_DTD, false);
            f.setProperty(XMLInputFactory.IS_SUPPORTING_EXTERNAL_ENTITIES, false);
            trySet(f, XMLConstants.ACCESS_EXTERNAL_DTD);
            List<String[]> out = new ArrayList<>();
            Deque<String> open = new ArrayDeque<>();
            Deque<StringBuilder> texts = new ArrayDeque<>();
            Deque<Boolean> plain = new ArrayDeque<>();
            XMLStreamReader r = null;
            try {
                r = f.createXMLStreamReader(new ByteArrayInputStream(bytes));
                while (r.hasNext()) {
                    int ev = r.next();
                    if (ev == XMLStreamConstants.START_ELEMENT) {
                        if (!plain.isEmpty()) {
                            plain.pop();
                            plain.push(false);     // the parent has an element child
                        }
                        open.push(r.getLocalName());
                        texts.push(new StringBuilder());
                        plain.push(true);
                    } else if (ev == XMLStreamConstants.CHARACTERS || ev == XMLStreamConstants.SPACE
                            || ev == XMLStreamConstants.ENTITY_REFERENCE) {
                        if (!texts.isEmpty()) {
                            texts.peek().append(r.getText());
                        }
                    } else if (ev == XMLStreamConstants.CDATA) {
                        if (!plain.isEmpty()) {
                            plain.pop();
                            plain.push(false);
                        }
                    } else if (ev == XMLStreamConstants.END_ELEMENT) {
                        String name = open.pop();
                        String value = texts.pop().toString();
                        boolean textOnly = plain.pop();
                        if (name.equals("Path") && textOnly && !value.isEmpty()) {
                            out.add(new String[] {value, open.isEmpty() ? "" : open.peek()});
                        }
                    }
                }
            } catch (XMLStreamException e) {
                throw new IOException(rel(file) + " is not well-formed XML (" + e.getMessage().replaceAll("\\s+",
                        " ").strip() + "); its library paths cannot be remapped", e);
            } finally {
                if (r != null) {
                    try {
                        r.close();
                    } catch (XMLStreamException ignored) {
                        // nothing held open: the input is a byte array
                    }
                }
            }
            return out;
        }

        // --------------------------------------------------------------- .mblink

        private void link(Path file) throws IOException {
            byte[] bytes = Files.readAllBytes(file);
            boolean bom = startsWith(bytes, UTF8_BOM);
            String text = new String(bytes, bom ? 3 : 0, bytes.length - (bom ? 3 : 0), StandardCharsets.UTF_8);
            String value = text.strip();
            if (value.isEmpty()) {
                return;
            }
            Optional<PathRemap.Match> to = hit(value);
            if (to.isEmpty() || to.get().result().equals(value)) {
                return;
            }
            int at = text.indexOf(value);
            String changed = text.substring(0, at) + to.get().result() + text.substring(at + value.length());
            byte[] body = changed.getBytes(StandardCharsets.UTF_8);
            write(file, bom ? concat(UTF8_BOM, body) : body);
            links++;
            staged.note("remapped " + rel(file) + ": " + value + " -> " + to.get().result());
        }

        // ------------------------------------------------------------- databases

        /** @return whether the database holds at least one of the layout's tables */
        private boolean database(Path file, LibraryLayout.Database db) throws IOException {
            String name = rel(file);
            SQLiteConfig config = new SQLiteConfig();
            config.setBusyTimeout(10_000);
            try (Connection c = JDBC.createConnection(JDBC.PREFIX + file.toAbsolutePath(), config.toProperties())) {
                if (c == null) {
                    throw new IOException("sqlite-jdbc cannot open " + name);
                }
                try (Statement st = c.createStatement()) {
                    st.executeQuery("SELECT count(*) FROM sqlite_master").close();   // fails on a non-database
                }
                c.setAutoCommit(false);
                Map<String, Long> perTable = new LinkedHashMap<>();
                boolean known = false;
                try {
                    for (LibraryLayout.Table t : db.tables()) {
                        List<LibraryLayout.Column> cols = columns(c, t);
                        if (cols.isEmpty()) {
                            continue;
                        }
                        known = true;
                        long n = table(c, t.name(), cols);
                        if (n > 0) {
                            perTable.put(t.name(), n);
                        }
                    }
                    c.commit();
                } catch (SQLException | RuntimeException e) {
                    c.rollback();
                    throw e;
                }
                try (Statement st = c.createStatement()) {
                    st.execute("PRAGMA wal_checkpoint(TRUNCATE)");   // nothing left in a -wal the swap removes
                }
                long total = perTable.values().stream().mapToLong(Long::longValue).sum();
                rows += total;
                if (total > 0) {
                    staged.note("remapped " + total + " row" + (total == 1 ? "" : "s") + " in " + name + " ("
                            + String.join(", ", perTable.entrySet().stream()
                            .map(e -> e.getKey() + " " + e.getValue()).toList()) + ")");
                }
                return known;
            } catch (SQLException e) {
                throw new IOException("cannot remap the paths in the database " + name + ": " + e.getMessage(), e);
            }
        }

        /** @return the layout's columns the table has (case-insensitive, as SQLite names are), empty without it */
        private List<LibraryLayout.Column> columns(Connection c, LibraryLayout.Table t) throws SQLException {
            Map<String, String> have = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM pragma_table_info(?)")) {
                ps.setString(1, t.name());
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        have.put(rs.getString(1).toLowerCase(Locale.ROOT), rs.getString(1));
                    }
                }
            }
            List<LibraryLayout.Column> out = new ArrayList<>();
            for (LibraryLayout.Column col : t.columns()) {
                String real = have.get(col.name().toLowerCase(Locale.ROOT));
                if (real != null) {
                    out.add(new LibraryLayout.Column(real, col.kind()));
                }
            }
            return out;
        }

        /** Rewrites the table's path columns row by row, by rowid; @return the rows changed */
        private long table(Connection c, String table, List<LibraryLayout.Column> cols) throws SQLException {
            String list = String.join(", ", cols.stream().map(col -> quote(col.name())).toList());
            String set = String.join(", ", cols.stream().map(col -> quote(col.name()) + " = ?").toList());
            long changed = 0;
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("SELECT rowid, " + list + " FROM " + quote(table));
                 PreparedStatement up = c.prepareStatement("UPDATE " + quote(table) + " SET " + set
                         + " WHERE rowid = ?")) {
                int batch = 0;
                while (rs.next()) {
                    boolean any = false;
                    Object[] values = new Object[cols.size()];
                    for (int i = 0; i < cols.size(); i++) {
                        Object v = rs.getObject(i + 2);
                        values[i] = v;
                        if (v instanceof String s) {
                            String to = value(s, cols.get(i).kind());
                            if (!to.equals(s)) {
                                values[i] = to;
                                any = true;
                            }
                        }
                    }
                    if (!any) {
                        continue;
                    }
                    for (int i = 0; i < values.length; i++) {
                        up.setObject(i + 1, values[i]);
                    }
                    up.setLong(values.length + 1, rs.getLong(1));
                    up.addBatch();
                    changed++;
                    if (++batch == 1000) {
                        up.executeBatch();
                        batch = 0;
                    }
                }
                if (batch > 0) {
                    up.executeBatch();
                }
            }
            return changed;
        }

        private String value(String s, LibraryLayout.Kind kind) {
            switch (kind) {
                case PATH:
                    return hit(s).map(PathRemap.Match::result).orElse(s);
                case IMAGES:
                    return images(s);
                case JSON:
                default:
                    return json(s);
            }
        }

        /**
         * {@code path*ticks*type[*w*h[*hash]]} records joined by {@code |}; only each record's path (before its first
         * {@code *}) is rewritten. As Jellyfin reads them, a {@code |} ends a record only once its type has begun
         * (paths may hold {@code |}; a hash's {@code |} is stored as {@code \\}). A value without {@code *} is one
         * path.
         */
        private String images(String s) {
            StringBuilder out = new StringBuilder(s.length() + 16);
            boolean any = false;
            int p = 0;
            while (p < s.length()) {
                int star = s.indexOf('*', p);
                if (star < 0) {
                    String path = s.substring(p);
                    Optional<PathRemap.Match> to = hit(path);
                    any |= to.isPresent();
                    out.append(to.map(PathRemap.Match::result).orElse(path));
                    break;
                }
                String path = s.substring(p, star);
                Optional<PathRemap.Match> to = hit(path);
                any |= to.isPresent();
                out.append(to.map(PathRemap.Match::result).orElse(path));
                int typeStart = s.indexOf('*', star + 1);
                int bar = typeStart < 0 ? -1 : s.indexOf('|', typeStart + 1);
                int end = bar < 0 ? s.length() : bar + 1;
                out.append(s, star, end);
                p = end;
            }
            return any ? out.toString() : s;
        }

        /** Every string of a JSON document that is a path; text that is not JSON is left as it is. */
        private String json(String s) {
            String t = s.strip();
            if (!t.startsWith("{") && !t.startsWith("[")) {
                return s;
            }
            JsonNode tree;
            try {
                tree = json.readTree(s);
            } catch (JsonProcessingException e) {
                return s;
            }
            return walk(tree) ? tree.toString() : s;
        }

        private boolean walk(JsonNode node) {
            boolean any = false;
            if (node instanceof ObjectNode o) {
                List<String> names = new ArrayList<>();
                o.fieldNames().forEachRemaining(names::add);
                for (String name : names) {
                    JsonNode v = o.get(name);
                    if (v.isTextual()) {
                        Optional<PathRemap.Match> to = hit(v.asText());
                        if (to.isPresent()) {
                            o.set(name, TextNode.valueOf(to.get().result()));
                            any = true;
                        }
                    } else {
                        any |= walk(v);
                    }
                }
            } else if (node instanceof ArrayNode a) {
                for (int i = 0; i < a.size(); i++) {
                    if (a.get(i).isTextual()) {
                        Optional<PathRemap.Match> to = hit(a.get(i).asText());
                        if (to.isPresent()) {
                            a.set(i, TextNode.valueOf(to.get().result()));
                            any = true;
                        }
                    } else {
                        any |= walk(a.get(i));
                    }
                }
            }
            return any;
        }

        /** The remap of one stored path, remembering which pair matched. */
        private Optional<PathRemap.Match> hit(String path) {
            Optional<PathRemap.Match> m = remap.match(path);
            m.ifPresent(x -> matched.add(x.pair()));
            return m;
        }
    }

    // ---------------------------------------------------------------- helpers

    private record MatchResult(int start, int end, String value) {
    }

    /** @return the files matching {@code pattern} below any base: regular files only, links never followed */
    private static List<Path> find(List<Path> bases, String pattern) throws IOException {
        Set<Path> out = new LinkedHashSet<>();
        String[] segments = pattern.split("/");
        for (Path base : bases) {
            find(base, segments, 0, out);
        }
        return new ArrayList<>(out);
    }

    private static void find(Path dir, String[] segments, int i, Set<Path> out) throws IOException {
        String seg = segments[i];
        boolean lastSegment = i == segments.length - 1;
        if (seg.indexOf('*') < 0) {
            Path p = dir.resolve(seg);
            visit(p, segments, i, lastSegment, out);
            return;
        }
        if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, seg)) {
            ds.forEach(children::add);
        }
        children.sort(null);
        for (Path p : children) {
            visit(p, segments, i, lastSegment, out);
        }
    }

    private static void visit(Path p, String[] segments, int i, boolean lastSegment, Set<Path> out)
            throws IOException {
        if (lastSegment) {
            if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
                out.add(p);
            }
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
            find(p, segments, i + 1, out);
        }
    }

    private static boolean sameValues(List<MatchResult> found, List<String[]> parsed) {
        for (int i = 0; i < found.size(); i++) {
            if (!found.get(i).value.equals(parsed.get(i)[0])) {
                return false;
            }
        }
        return true;
    }

    private static Charset charset(byte[] bytes, boolean bom, String name) throws IOException {
        if (bytes.length >= 2 && (bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF
                || bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE)) {
            throw new IOException(name + " is UTF-16, which this step does not edit; its library paths were not "
                    + "remapped");
        }
        String head = new String(bytes, bom ? 3 : 0, Math.min(200, bytes.length - (bom ? 3 : 0)),
                StandardCharsets.ISO_8859_1);
        Matcher m = DECLARED.matcher(head);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalArgumentException e) {
                throw new IOException(name + " declares the unknown encoding '" + m.group(1) + "'", e);
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static String unescape(String s) {
        if (s.indexOf('&') < 0) {
            return s;
        }
        Matcher m = ENTITY.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String e = m.group(1);
            String r = switch (e) {
                case "amp" -> "&";
                case "lt" -> "<";
                case "gt" -> ">";
                case "quot" -> "\"";
                case "apos" -> "'";
                default -> new String(Character.toChars(e.startsWith("#x")
                        ? Integer.parseInt(e.substring(2), 16) : Integer.parseInt(e.substring(1))));
            };
            m.appendReplacement(sb, Matcher.quoteReplacement(r));
        }
        m.appendTail(sb);
        return sb.toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String quote(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    private static boolean startsWith(byte[] bytes, byte[] prefix) {
        if (bytes.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (bytes[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = new byte[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    /** Overwrites the file in place, so its mode and owner stay. */
    private static void write(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING,
                LinkOption.NOFOLLOW_LINKS);
    }

    private static void trySet(XMLInputFactory f, String property) {
        try {
            f.setProperty(property, "");
        } catch (IllegalArgumentException ignored) {
            // a parser without the property has no external access to switch off
        }
    }
}
