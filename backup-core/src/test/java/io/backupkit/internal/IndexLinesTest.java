package io.backupkit.internal;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import io.backupkit.spi.EntryType;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IndexLinesTest {

    @Property(tries = 500)
    void shouldWriteWhatTheMapperWritesAndReadItBack(@ForAll("entries") IndexEntry e) throws IOException {
        String line = write(e);
        assertThat(line).isEqualTo(Json.MAPPER.writeValueAsString(e) + "\n");
        String text = line.substring(0, line.length() - 1);
        assertThat(IndexLines.read(text)).isEqualTo(e);
        assertThat(IndexLines.read(text)).isEqualTo(Json.MAPPER.readValue(text, IndexEntry.class));
    }

    @Provide
    Arbitrary<IndexEntry> entries() {
        // names read from a file system never hold a lone surrogate: the JVM decodes them to whole characters
        Arbitrary<String> text = Arbitraries.strings().withCharRange('\u0000', '\uD7FF')
                .withCharRange('\uE000', '\uFFFF').ofMaxLength(40);
        return Combinators.combine(text, Arbitraries.of(EntryType.class).injectNull(0.1),
                        Arbitraries.longs().between(0, Long.MAX_VALUE), text.injectNull(0.1),
                        Arbitraries.integers().between(0, 07777), text.injectNull(0.5), text.injectNull(0.7))
                .as(IndexEntry::new);
    }

    @Test
    void shouldWriteOneLinePerEntry() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = IndexLines.generator(out)) {
            IndexLines.write(g, new IndexEntry("a", EntryType.DIRECTORY, 0, "2026-11-22T03:58:00Z", 0755, null, null));
            IndexLines.write(g, new IndexEntry("a/é\n\uD83C\uDFAC", EntryType.FILE, 3, "2026-11-22T03:58:00.5Z", 0644,
                    "ab", null));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(
                "{\"path\":\"a\",\"type\":\"DIRECTORY\",\"size\":0,\"mtime\":\"2026-11-22T03:58:00Z\",\"mode\":493}\n"
                + "{\"path\":\"a/é\\n\uD83C\uDFAC\",\"type\":\"FILE\",\"size\":3,\"mtime\":\"2026-11-22T03:58:00.5Z\",\"mode\":420,"
                + "\"sha256\":\"ab\"}\n");
    }

    @Test
    void shouldSkipFieldsOfNewerVersionsAndTakeNullsAsMissing() throws IOException {
        IndexEntry e = IndexLines.read("{\"xattrs\":{\"a\":[1,{\"b\":2}]},\"path\":\"p\",\"type\":\"SYMLINK\","
                + "\"size\":null,\"mode\":null,\"target\":\"t\",\"future\":[true]}");
        assertThat(e).isEqualTo(new IndexEntry("p", EntryType.SYMLINK, 0, null, 0, null, "t"));
    }

    @Test
    void shouldRefuseALineThatIsNotAnEntryNamingTheField() {
        assertRefused("[1,2]", "must be a JSON object");
        assertRefused("\"text\"", "must be a JSON object");
        assertRefused("{\"path\":\"p\"} {}", "unexpected content after the index entry");
        assertRefused("{\"path\":7}", "field 'path' must be a string, was a number");
        assertRefused("{\"sha256\":{\"x\":1}}", "field 'sha256' must be a string, was an object");
        assertRefused("{\"size\":\"12\"}", "field 'size' must be a whole number, was a string");
        assertRefused("{\"size\":1.5}", "field 'size' must be a whole number, was a number");
        assertRefused("{\"mode\":true}", "field 'mode' must be a whole number, was a boolean");
        assertRefused("{\"type\":\"BLOCK\"}", "field 'type' has an unknown value 'BLOCK'");
        assertRefused("{\"size\":99999999999999999999}", "out of range");
        assertRefused("{\"mode\":4294967296}", "out of range");
        assertRefused("{\"path\":\"p\"", "end-of-input");
    }

    private static void assertRefused(String line, String message) {
        assertThatThrownBy(() -> IndexLines.read(line)).as(line).isInstanceOf(JsonProcessingException.class)
                .satisfies(t -> assertThat(((JsonProcessingException) t).getOriginalMessage()).containsIgnoringCase(message));
    }

    private static String write(IndexEntry e) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = IndexLines.generator(out)) {
            IndexLines.write(g, e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
