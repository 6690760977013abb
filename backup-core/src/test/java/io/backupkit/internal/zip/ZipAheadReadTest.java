package io.backupkit.internal.zip;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

class ZipAheadReadTest {

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** Hands out at most three bytes a call, as a pipe or a slow file system may. */
    private static InputStream trickle(byte[] content) {
        ByteArrayInputStream in = new ByteArrayInputStream(content);
        return new InputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, 3));
            }
        };
    }

    @Test
    void shouldReadAFileOfItsListedSize() throws IOException {
        byte[] content = bytes(10_000);
        assertThat(ZipAhead.readUpTo(trickle(content), 10_000, 10_100)).isEqualTo(content);
        assertThat(ZipAhead.readUpTo(trickle(new byte[0]), 0, 0)).isEmpty();
    }

    @Test
    void shouldReadAFileThatShrankOrGrewWithinTheCap() throws IOException {
        byte[] content = bytes(10_000);
        assertThat(ZipAhead.readUpTo(trickle(content), 12_000, 12_100)).isEqualTo(content);
        assertThat(ZipAhead.readUpTo(trickle(content), 9_000, 10_000)).isEqualTo(content);
        assertThat(ZipAhead.readUpTo(trickle(content), 9_999, 10_000)).isEqualTo(content);
        assertThat(ZipAhead.readUpTo(trickle(content), 0, 10_000)).isEqualTo(content);
    }

    @Test
    void shouldGiveUpOnAFileThatGrewBeyondTheCap() throws IOException {
        byte[] content = bytes(10_000);
        assertThat(ZipAhead.readUpTo(trickle(content), 9_000, 9_999)).isNull();
        assertThat(ZipAhead.readUpTo(trickle(content), 9_999, 9_999)).isNull();
        assertThat(ZipAhead.readUpTo(trickle(Arrays.copyOf(content, 1)), 0, 0)).isNull();
    }
}
