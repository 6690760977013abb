package io.backupkit.internal;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.core.json.JsonWriteFeature;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.List;
import java.util.function.BiPredicate;

/**
 * Reads and writes the lines of a unit's index ({@link IndexEntry}) with Jackson's streaming parser and generator,
 * field by field: an index has one line per file and folder, and binding each line through the object mapper cost
 * more than everything else done with it. The output is the mapper's (fields in declaration order, {@code null}
 * fields left out); unknown fields are skipped, as the mapper does for every other file of a snapshot.
 *
 * <pre>{@code
 * try (JsonGenerator g = IndexLines.generator(out)) {
 *     IndexLines.write(g, entry); // one line
 * }
 * IndexEntry e = IndexLines.read(line);
 * }</pre>
 */
final class IndexLines {

    /** Characters beyond the BMP as UTF-8, as the mapper writes them, not as escaped surrogate pairs. */
    private static final JsonFactory FACTORY = JsonFactory.builder()
            .enable(JsonWriteFeature.COMBINE_UNICODE_SURROGATES_IN_UTF8)
            .build();
    private static final SerializedString PATH = new SerializedString("path");
    private static final SerializedString TYPE = new SerializedString("type");
    private static final SerializedString SIZE = new SerializedString("size");
    private static final SerializedString MTIME = new SerializedString("mtime");
    private static final SerializedString MODE = new SerializedString("mode");
    private static final SerializedString SHA256 = new SerializedString("sha256");
    private static final SerializedString TARGET = new SerializedString("target");

    private IndexLines() {
    }

    /**
     * A generator that writes index lines to {@code out} as UTF-8, one per
     * {@link #write(JsonGenerator, IndexEntry)}, each ended by a line break.
     *
     * @param out where the lines go; flushed, not closed, when the generator is closed
     * @return the generator
     * @throws IOException if it cannot be made
     */
    static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator g = FACTORY.createGenerator(out, JsonEncoding.UTF8);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        g.setRootValueSeparator(null);
        return g;
    }

    /**
     * Writes one entry as a JSON object and a line break.
     *
     * @param g the generator
     * @param e the entry
     * @throws IOException if writing fails
     */
    static void write(JsonGenerator g, IndexEntry e) throws IOException {
        g.writeStartObject();
        string(g, PATH, e.path());
        if (e.type() != null) {
            g.writeFieldName(TYPE);
            g.writeString(e.type().name());
        }
        g.writeFieldName(SIZE);
        g.writeNumber(e.size());
        string(g, MTIME, e.mtime());
        g.writeFieldName(MODE);
        g.writeNumber(e.mode());
        string(g, SHA256, e.sha256());
        string(g, TARGET, e.target());
        g.writeEndObject();
        g.writeRaw('\n');
    }

    private static void string(JsonGenerator g, SerializedString name, String value) throws IOException {
        if (value != null) {
            g.writeFieldName(name);
            g.writeString(value);
        }
    }

    /**
     * Parses one index line.
     *
     * @param line one line of an index, without its line break
     * @return the entry; fields missing from the line are {@code null} (numbers {@code 0})
     * @throws IOException if the line is not one JSON object, or a field has a value of the wrong kind (the
     *         message names the field)
     */
    static IndexEntry read(String line) throws IOException {
        try (JsonParser p = FACTORY.createParser(line)) {
            return read(p);
        }
    }

    /**
     * Parses one index line from its UTF-8 bytes.
     *
     * @param bytes holds the line
     * @param offset where it starts
     * @param length its length, without the line break
     * @return the entry, as {@link #read(String)}
     * @throws IOException as {@link #read(String)}, and if the bytes are not valid UTF-8
     */
    static IndexEntry read(byte[] bytes, int offset, int length) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes, offset, length)) {
            return read(p);
        }
    }

    private static IndexEntry read(JsonParser p) throws IOException {
        if (p.nextToken() != JsonToken.START_OBJECT) {
            throw new JsonParseException(p, "an index entry must be a JSON object");
        }
        String path = null;
        EntryType type = null;
        long size = 0;
        String mtime = null;
        int mode = 0;
        String sha256 = null;
        String target = null;
        String field;
        while ((field = p.nextFieldName()) != null) {
            JsonToken value = p.nextToken();
            switch (field) {
                case "path" -> path = text(p, value, field);
                case "type" -> type = type(p, text(p, value, field));
                case "size" -> size = value == JsonToken.VALUE_NULL ? 0 : number(p, value, field).getLongValue();
                case "mtime" -> mtime = text(p, value, field);
                case "mode" -> mode = value == JsonToken.VALUE_NULL ? 0 : number(p, value, field).getIntValue();
                case "sha256" -> sha256 = text(p, value, field);
                case "target" -> target = text(p, value, field);
                default -> p.skipChildren(); // a field of a newer version
            }
        }
        if (p.nextToken() != null) {
            throw new JsonParseException(p, "unexpected content after the index entry");
        }
        return new IndexEntry(path, type, size, mtime, mode, sha256, target);
    }

    /**
     * Compares an index, line by line, with a unit's entries, without holding the index: an index lists its
     * unit's entries in the walk's order (sorted by path), so an unchanged unit gives the same sequence. An index
     * in any other order counts as changed, which costs a rewrite, never a wrong reuse.
     *
     * @param index the index file
     * @param sha256 the index's SHA-256 as recorded, checked once the whole index matched; {@code null} when the
     *        caller has checked it
     * @param entries the unit's entries as walked, in walk order
     * @param same whether a walked entry is recorded unchanged by an index line
     * @return {@code true} when every line matches the entry at its place and the counts agree
     * @throws IOException if the index cannot be read or does not parse, or (read to its end) its hash differs
     */
    static boolean sameInOrder(Path index, String sha256, List<UnitEntry> entries,
                               BiPredicate<UnitEntry, IndexEntry> same) throws IOException {
        MessageDigest md = Hashing.sha256();
        int i = 0;
        try (BufferedReader r = new BufferedReader(new InputStreamReader(new DigestInputStream(
                Files.newInputStream(index), md), StandardCharsets.UTF_8), 64 * 1024)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                if (i >= entries.size() || !same.test(entries.get(i), read(line))) {
                    return false; // changed: whether the index is also damaged no longer matters
                }
                i++;
            }
        }
        if (sha256 != null && !Hashing.hex(md.digest()).equals(sha256)) {
            throw new IOException("index " + index + " does not match its SHA-256 in the manifest");
        }
        return i == entries.size();
    }

    private static String text(JsonParser p, JsonToken value, String field) throws IOException {
        if (value == JsonToken.VALUE_NULL) {
            return null;
        }
        if (value != JsonToken.VALUE_STRING) {
            throw new JsonParseException(p, "field '" + field + "' must be a string, was " + describe(value));
        }
        return p.getText();
    }

    private static JsonParser number(JsonParser p, JsonToken value, String field) throws IOException {
        if (value != JsonToken.VALUE_NUMBER_INT) {
            throw new JsonParseException(p, "field '" + field + "' must be a whole number, was " + describe(value));
        }
        return p;
    }

    private static EntryType type(JsonParser p, String name) throws IOException {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "FILE" -> EntryType.FILE;
            case "DIRECTORY" -> EntryType.DIRECTORY;
            case "SYMLINK" -> EntryType.SYMLINK;
            case "HARDLINK" -> EntryType.HARDLINK;
            case "OTHER" -> EntryType.OTHER;
            default -> throw new JsonParseException(p, "field 'type' has an unknown value '" + name
                    + "' (one of FILE, DIRECTORY, SYMLINK, HARDLINK, OTHER)");
        };
    }

    private static String describe(JsonToken t) {
        return switch (t) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "a string";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
            case VALUE_TRUE, VALUE_FALSE -> "a boolean";
            default -> t.asString() == null ? t.name() : t.asString();
        };
    }
}
