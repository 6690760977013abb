package io.backupkit.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * JSON reading and durable writing of the snapshot's small files. The mapper is configured once and never changed.
 *
 * <pre>{@code
 * Json.writeDurably(dir.resolve("manifest.json"), manifest);
 * }</pre>
 */
public final class Json {

    /** Shared, immutable after construction; tolerant of fields added by newer versions of the same format. */
    static final ObjectMapper MAPPER = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private static final ObjectWriter PRETTY = MAPPER.writer().with(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }

    /**
     * @param file a JSON file
     * @param type the type to read
     * @param <T> the type
     * @return the value
     * @throws IOException if it cannot be read or parsed
     */
    public static <T> T read(Path file, Class<T> type) throws IOException {
        return MAPPER.readValue(file.toFile(), type);
    }

    /**
     * @param value any value
     * @return it as pretty JSON
     */
    public static String pretty(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /**
     * Writes {@code value} to {@code file} through a temporary file: write, fsync, rename, fsync the folder. A
     * reader sees either the old file or the complete new one.
     *
     * @param file the file to (re)place
     * @param value the value to write
     * @throws IOException if writing fails; the temporary file is removed
     */
    public static void writeDurably(Path file, Object value) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = Channels.newOutputStream(ch)) {
                PRETTY.writeValue(new NonClosing(out), value);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Fs.fsyncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * Writes {@code text} (UTF-8) to {@code file} the same durable way as {@link #writeDurably(Path, Object)}.
     *
     * @param file the file to (re)place
     * @param text its new content
     * @throws IOException if writing fails; the temporary file is removed
     */
    public static void writeTextDurably(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.TRUNCATE_EXISTING)) {
                java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Fs.fsyncDirectory(file.getParent());
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static final class NonClosing extends java.io.FilterOutputStream {
        NonClosing(OutputStream out) {
            super(out);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
