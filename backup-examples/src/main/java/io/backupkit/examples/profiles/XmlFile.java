package io.backupkit.examples.profiles;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.xml.sax.SAXException;
import org.xml.sax.SAXParseException;

import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One XML settings file whose root element's attributes and direct child elements are read and changed in place:
 * every other byte stays as it was (attribute order, quoting, white space, comments, the XML declaration, the
 * encoding and a byte order mark). Values are read with the JDK's parser, which also checks the file is well formed
 * before and after a change; a document type declaration is refused, so no entity can be expanded.
 *
 * <pre>{@code
 * XmlFile prefs = XmlFile.read(extracted.resolve("Preferences.xml"), "Preferences.xml of the snapshot");
 * prefs.attribute("MachineIdentifier");          // Optional[d3b0...]
 * prefs.setAttribute("MachineIdentifier", "9f1c...");
 * prefs.removeAttribute("PlexOnlineToken");
 * prefs.write();
 * }</pre>
 */
final class XmlFile {

    private static final Pattern DECLARED = Pattern.compile(
            "^<\\?xml[^>]*?encoding\\s*=\\s*[\"']([A-Za-z0-9._:-]+)[\"']");

    private final Path path;
    private final String shownAs;
    private final Charset charset;
    private final String bom;
    private final String original;
    private String text;
    private Element root;

    private XmlFile(Path path, String shownAs, Charset charset, String bom, String text, Element root) {
        this.path = path;
        this.shownAs = shownAs;
        this.charset = charset;
        this.bom = bom;
        this.original = text;
        this.text = text;
        this.root = root;
    }

    /**
     * @param path the file
     * @param shownAs how messages name it, e.g. {@code Preferences.xml of the target}
     * @return the file, parsed
     * @throws IOException if it cannot be read, is not in its declared encoding, or is not well-formed XML; the
     *         message names {@code shownAs} and the path
     */
    static XmlFile read(Path path, String shownAs) throws IOException {
        byte[] bytes = Files.readAllBytes(path);
        String bom = "";
        Charset charset;
        int skip = 0;
        if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb && (bytes[2] & 0xff) == 0xbf) {
            charset = StandardCharsets.UTF_8;
            bom = "\ufeff";
            skip = 3;
        } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xfe && (bytes[1] & 0xff) == 0xff) {
            charset = StandardCharsets.UTF_16BE;
            bom = "\ufeff";
            skip = 2;
        } else if (bytes.length >= 2 && (bytes[0] & 0xff) == 0xff && (bytes[1] & 0xff) == 0xfe) {
            charset = StandardCharsets.UTF_16LE;
            bom = "\ufeff";
            skip = 2;
        } else {
            charset = declared(new String(bytes, 0, Math.min(bytes.length, 256), StandardCharsets.ISO_8859_1),
                    shownAs, path);
        }
        String text;
        try {
            text = charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, skip, bytes.length - skip)).toString();
        } catch (CharacterCodingException e) {
            throw new IOException(shownAs + " (" + path + ") is not valid " + charset.name() + " text", e);
        }
        return new XmlFile(path, shownAs, charset, bom, text, parse(bytes, shownAs, path));
    }

    private static Charset declared(String head, String shownAs, Path path) throws IOException {
        Matcher m = DECLARED.matcher(head);
        if (!m.find()) {
            return StandardCharsets.UTF_8;
        }
        try {
            return Charset.forName(m.group(1));
        } catch (IllegalCharsetNameException | UnsupportedCharsetException e) {
            throw new IOException(shownAs + " (" + path + ") declares the unknown encoding '" + m.group(1) + "'", e);
        }
    }

    private static Element parse(byte[] bytes, String shownAs, Path path) throws IOException {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setXIncludeAware(false);
            f.setExpandEntityReferences(false);
            f.setNamespaceAware(false);
            DocumentBuilder b = f.newDocumentBuilder();
            b.setErrorHandler(new org.xml.sax.helpers.DefaultHandler() {
                @Override
                public void error(SAXParseException e) throws SAXException {
                    throw e;
                }
            });
            Document d = b.parse(new ByteArrayInputStream(bytes));
            return d.getDocumentElement();
        } catch (SAXParseException e) {
            throw new IOException(shownAs + " (" + path + ") is not well-formed XML: line " + e.getLineNumber()
                    + ", column " + e.getColumnNumber() + ": " + e.getMessage(), e);
        } catch (SAXException | ParserConfigurationException e) {
            throw new IOException(shownAs + " (" + path + ") cannot be read as XML: " + e.getMessage(), e);
        }
    }

    /** @return the root element's name */
    String rootName() {
        return root.getTagName();
    }

    /**
     * @param name an attribute of the root element
     * @return its value, or empty when the root element has no such attribute
     */
    Optional<String> attribute(String name) {
        return root.hasAttribute(name) ? Optional.of(root.getAttribute(name)) : Optional.empty();
    }

    /**
     * @param name a direct child element of the root element
     * @return the text of the first one of that name, or empty when there is none
     */
    Optional<String> element(String name) {
        for (Node n = root.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return Optional.of(e.getTextContent());
            }
        }
        return Optional.empty();
    }

    /**
     * Sets an attribute of the root element: its value is replaced where it stands, or the attribute is added after
     * the last one.
     *
     * @param name the attribute
     * @param value the value (escaped here)
     */
    void setAttribute(String name, String value) {
        StartTag tag = rootTag();
        Attr a = tag.attr(name);
        if (a != null) {
            splice(a.valueStart, a.valueEnd, escapeAttribute(value, a.quote));
        } else {
            int at = tag.attrs.isEmpty() ? tag.nameEnd : tag.attrs.get(tag.attrs.size() - 1).valueEnd + 1;
            splice(at, at, " " + name + "=\"" + escapeAttribute(value, '"') + "\"");
        }
    }

    /**
     * @param name an attribute of the root element
     * @return whether it was there (it is removed with the white space before it)
     */
    boolean removeAttribute(String name) {
        Attr a = rootTag().attr(name);
        if (a == null) {
            return false;
        }
        splice(a.spaceStart, a.valueEnd + 1, "");
        return true;
    }

    /**
     * Sets the text of a direct child element of the root element: its content is replaced where it stands, or the
     * element is added as the last child, on a line of its own indented as the child before it when the children
     * are on lines of their own.
     *
     * @param name the element
     * @param value its text (escaped here)
     */
    void setElement(String name, String value) {
        Children c = children();
        String escaped = escapeText(value);
        Child child = c.first(name);
        if (child != null) {
            if (child.selfClosing) {
                splice(child.start, child.end, "<" + name + ">" + escaped + "</" + name + ">");
            } else {
                splice(child.openEnd, child.closeStart, escaped);
            }
            return;
        }
        String element = "<" + name + ">" + escaped + "</" + name + ">";
        StartTag tag = c.rootTag;
        if (tag.selfClosing) {
            splice(tag.end - 2, tag.end, ">" + element + "</" + tag.name + ">");
            return;
        }
        int lineStart = lineStart(c.rootClose);
        if (!c.list.isEmpty() && text.substring(lineStart, c.rootClose).isBlank()) {
            Child last = c.list.get(c.list.size() - 1);
            int lastLine = lineStart(last.start);
            String indent = text.substring(lastLine, last.start);
            if (indent.isBlank()) {
                String newline = text.contains("\r\n") ? "\r\n" : "\n";
                splice(lineStart, lineStart, indent + element + newline);
                return;
            }
        }
        splice(c.rootClose, c.rootClose, element);
    }

    /**
     * @param name a direct child element of the root element
     * @return whether it was there (the first one is removed; with its line when it stands alone on it)
     */
    boolean removeElement(String name) {
        Child child = children().first(name);
        if (child == null) {
            return false;
        }
        int from = lineStart(child.start);
        int to = child.end;
        while (to < text.length() && (text.charAt(to) == ' ' || text.charAt(to) == '\t')) {
            to++;
        }
        boolean alone = text.substring(from, child.start).isBlank()
                && (to == text.length() || text.charAt(to) == '\n' || text.charAt(to) == '\r');
        if (alone && from > 0) {
            if (to < text.length() && text.charAt(to) == '\r') {
                to++;
            }
            if (to < text.length() && text.charAt(to) == '\n') {
                to++;
            }
            splice(from, to, "");
        } else {
            splice(child.start, child.end, "");
        }
        return true;
    }

    /** @return whether a change was made since the file was read */
    boolean changed() {
        return !text.equals(original);
    }

    /**
     * Writes the changed text back in the file's own encoding (and byte order mark), after checking it is still
     * well formed. Does nothing when nothing changed.
     *
     * @throws IOException if the file cannot be written
     */
    void write() throws IOException {
        if (!changed()) {
            return;
        }
        byte[] bytes = encode(bom + text);
        root = parse(bytes, shownAs + " as changed", path);
        Set<PosixFilePermission> perms = null;
        if (!Files.isWritable(path) && path.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            perms = Files.getPosixFilePermissions(path);
            Set<PosixFilePermission> writable = EnumSet.copyOf(perms);
            writable.add(PosixFilePermission.OWNER_WRITE);
            Files.setPosixFilePermissions(path, writable);
        }
        try {
            Files.write(path, bytes);
        } finally {
            if (perms != null) {
                Files.setPosixFilePermissions(path, perms);
            }
        }
    }

    private byte[] encode(String s) throws IOException {
        CharsetEncoder encoder = charset.newEncoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        try {
            ByteBuffer b = encoder.encode(CharBuffer.wrap(s));
            byte[] out = new byte[b.remaining()];
            b.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw new IOException("cannot write " + shownAs + " (" + path + ") in " + charset.name(), e);
        }
    }

    private void splice(int from, int to, String replacement) {
        text = text.substring(0, from) + replacement + text.substring(to);
    }

    private int lineStart(int index) {
        int nl = text.lastIndexOf('\n', index - 1);
        return nl + 1;
    }

    private String escapeAttribute(String value, char quote) {
        StringBuilder sb = new StringBuilder();
        CharsetEncoder encoder = charset.newEncoder();
        value.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '"' -> sb.append(quote == '"' ? "&quot;" : "\"");
                case '\'' -> sb.append(quote == '\'' ? "&apos;" : "'");
                case '\t' -> sb.append("&#9;");
                case '\n' -> sb.append("&#10;");
                case '\r' -> sb.append("&#13;");
                default -> appendEncodable(sb, encoder, cp);
            }
        });
        return sb.toString();
    }

    private String escapeText(String value) {
        StringBuilder sb = new StringBuilder();
        CharsetEncoder encoder = charset.newEncoder();
        value.codePoints().forEach(cp -> {
            switch (cp) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '\r' -> sb.append("&#13;");
                default -> appendEncodable(sb, encoder, cp);
            }
        });
        return sb.toString();
    }

    private static void appendEncodable(StringBuilder sb, CharsetEncoder encoder, int cp) {
        String s = new String(Character.toChars(cp));
        if (encoder.canEncode(s)) {
            sb.append(s);
        } else {
            sb.append("&#x").append(Integer.toHexString(cp)).append(';');
        }
    }

    // ------------------------------------------------------------------ scanning the text of a well-formed file

    /** An attribute in a start tag: where its white space, name and value (between the quotes) are. */
    private record Attr(String name, int spaceStart, int valueStart, int valueEnd, char quote) {
    }

    /** A start tag: its name's end, attributes, whether it closes itself, and the index after its {@code >}. */
    private record StartTag(String name, int start, int nameEnd, List<Attr> attrs, boolean selfClosing, int end) {
        Attr attr(String n) {
            return attrs.stream().filter(a -> a.name.equals(n)).findFirst().orElse(null);
        }
    }

    /** A direct child of the root element: its tag's start, the end of its start tag, its end tag, its end. */
    private record Child(String name, int start, int openEnd, int closeStart, int end, boolean selfClosing) {
    }

    private record Children(StartTag rootTag, List<Child> list, int rootClose) {
        Child first(String n) {
            return list.stream().filter(c -> c.name.equals(n)).findFirst().orElse(null);
        }
    }

    private StartTag rootTag() {
        int i = 0;
        while (true) {
            i = text.indexOf('<', i);
            if (text.startsWith("<?", i)) {
                i = text.indexOf("?>", i) + 2;
            } else if (text.startsWith("<!--", i)) {
                i = text.indexOf("-->", i) + 3;
            } else {
                return startTag(i);
            }
        }
    }

    /** @param at the index of the tag's {@code <} */
    private StartTag startTag(int at) {
        int i = at + 1;
        int nameStart = i;
        while (!Character.isWhitespace(text.charAt(i)) && text.charAt(i) != '/' && text.charAt(i) != '>') {
            i++;
        }
        String name = text.substring(nameStart, i);
        int nameEnd = i;
        List<Attr> attrs = new ArrayList<>();
        while (true) {
            int space = i;
            while (Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            char c = text.charAt(i);
            if (c == '/') {
                return new StartTag(name, at, nameEnd, attrs, true, text.indexOf('>', i) + 1);
            }
            if (c == '>') {
                return new StartTag(name, at, nameEnd, attrs, false, i + 1);
            }
            int attrStart = i;
            while (text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String attrName = text.substring(attrStart, i);
            while (text.charAt(i) != '"' && text.charAt(i) != '\'') {
                i++;
            }
            char quote = text.charAt(i);
            int valueStart = i + 1;
            int valueEnd = text.indexOf(quote, valueStart);
            attrs.add(new Attr(attrName, space, valueStart, valueEnd, quote));
            i = valueEnd + 1;
        }
    }

    private Children children() {
        StartTag rootTag = rootTag();
        List<Child> list = new ArrayList<>();
        if (rootTag.selfClosing) {
            return new Children(rootTag, list, -1);
        }
        int i = rootTag.end;
        int depth = 0;
        String openName = null;
        int openStart = -1;
        int openEnd = -1;
        while (true) {
            i = text.indexOf('<', i);
            if (text.startsWith("<!--", i)) {
                i = text.indexOf("-->", i) + 3;
            } else if (text.startsWith("<![CDATA[", i)) {
                i = text.indexOf("]]>", i) + 3;
            } else if (text.startsWith("<?", i)) {
                i = text.indexOf("?>", i) + 2;
            } else if (text.startsWith("</", i)) {
                int end = text.indexOf('>', i) + 1;
                if (depth == 0) {
                    return new Children(rootTag, list, i);
                }
                depth--;
                if (depth == 0) {
                    list.add(new Child(openName, openStart, openEnd, i, end, false));
                }
                i = end;
            } else {
                StartTag tag = startTag(i);
                if (depth == 0) {
                    if (tag.selfClosing) {
                        list.add(new Child(tag.name, i, tag.end, tag.end, tag.end, true));
                    } else {
                        openName = tag.name;
                        openStart = i;
                        openEnd = tag.end;
                    }
                }
                if (!tag.selfClosing) {
                    depth++;
                }
                i = tag.end;
            }
        }
    }
}
