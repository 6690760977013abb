package io.backupkit.notify.email;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.GZIPOutputStream;

/**
 * The run log as it goes into the mail: as it is up to {@link EmailNotifier#COMPRESS_ABOVE_BYTES}, else gzip
 * compressed, else the compressed last part that fits the limit. {@code content} is {@code null} when nothing is
 * attached; {@code note} says in the body what happened either way.
 */
record LogAttachment(String fileName, String contentType, byte[] content, String note) {

    private static final int MAX_TRIES = 20;

    static LogAttachment of(Path log, long maxBytes) {
        if (!Files.isRegularFile(log)) {
            return new LogAttachment(null, null, null, "The log " + log + " was to be attached but does not exist.");
        }
        String name = log.getFileName().toString();
        try {
            long size = Files.size(log);
            if (size <= Math.min(EmailNotifier.COMPRESS_ABOVE_BYTES, maxBytes)) {
                byte[] raw = read(log, size);
                return new LogAttachment(name, "text/plain; charset=UTF-8", raw, "The log " + log + " is attached ("
                        + raw.length + " bytes).");
            }
            Gzipped whole = gzip(log, 0, size, maxBytes, null);
            if (whole.bytes != null) {
                return new LogAttachment(name + ".gz", "application/gzip", whole.bytes, "The log " + log
                        + " is attached gzip-compressed (" + size + " bytes, " + whole.bytes.length
                        + " compressed).");
            }
            long tail = whole.consumed;
            for (int i = 0; i < MAX_TRIES && tail > 0; i++) {
                tail = tail * 9 / 10;
                long start = size - tail;
                String marker = "[BackupKit: the log was cut to fit the mail; the first " + start
                        + " bytes (or up to the next line) are left out]\n";
                Gzipped part = gzip(log, start, size, maxBytes, marker);
                if (part.bytes != null) {
                    return new LogAttachment(name + ".gz", "application/gzip", part.bytes, "The log " + log
                            + " (" + size + " bytes) is too big for the mail even compressed (limit " + maxBytes
                            + " bytes): only its last " + part.kept + " bytes are attached, gzip-compressed.");
                }
                tail = Math.min(tail, part.consumed);
            }
            return new LogAttachment(null, null, null, "The log " + log + " (" + size + " bytes) does not fit the"
                    + " attachment limit of " + maxBytes + " bytes and is not attached.");
        } catch (IOException e) {
            return new LogAttachment(null, null, null, "The log " + log + " could not be read (" + e
                    + ") and is not attached.");
        }
    }

    private static byte[] read(Path log, long size) throws IOException {
        try (InputStream in = Files.newInputStream(log)) {
            return in.readNBytes((int) size);
        }
    }

    /** {@code bytes} null when the output would exceed the limit; {@code consumed} input bytes read by then. */
    private record Gzipped(byte[] bytes, long consumed, long kept) {
    }

    private static Gzipped gzip(Path log, long start, long end, long limit, String marker) throws IOException {
        LimitedBuffer out = new LimitedBuffer(limit);
        long consumed = 0;
        long kept = 0;
        try (SeekableByteChannel ch = Files.newByteChannel(log, StandardOpenOption.READ)) {
            ch.position(start);
            InputStream in = Channels.newInputStream(ch);
            long remaining = end - start;
            try (GZIPOutputStream gz = new GZIPOutputStream(out, 64 * 1024)) {
                if (marker != null) {
                    gz.write(marker.getBytes(StandardCharsets.UTF_8));
                }
                byte[] buf = new byte[64 * 1024];
                boolean lineStart = start == 0;
                while (remaining > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, remaining));
                    if (n < 0) {
                        break;
                    }
                    remaining -= n;
                    consumed += n;
                    int from = 0;
                    if (!lineStart) {
                        while (from < n && buf[from] != '\n') {
                            from++;
                        }
                        if (from < n) {
                            from++;
                            lineStart = true;
                        }
                    }
                    gz.write(buf, from, n - from);
                    kept += n - from;
                }
            }
        } catch (LimitedBuffer.Full full) {
            return new Gzipped(null, consumed, kept);
        }
        return new Gzipped(out.toByteArray(), consumed, kept);
    }

    private static final class LimitedBuffer extends OutputStream {

        static final class Full extends IOException {
            private static final long serialVersionUID = 1L;
        }

        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final long limit;

        LimitedBuffer(long limit) {
            this.limit = limit;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            if (bytes.size() + (long) len > limit) {
                throw new Full();
            }
            bytes.write(b, off, len);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
