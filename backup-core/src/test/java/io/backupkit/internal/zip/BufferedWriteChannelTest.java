package io.backupkit.internal.zip;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.NonReadableChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BufferedWriteChannelTest {

    /**
     * Random writes, each at the current position or after a seek back or forward (as the zip writer seeks back to
     * fill in sizes), give the same file as the same writes on the file channel itself.
     */
    @Property(tries = 300)
    void shouldWriteWhatTheFileChannelWouldHaveWritten(@ForAll @Size(max = 60) List<@IntRange(min = 0, max = 999) Integer> ops,
                                                       @ForAll @IntRange(min = 1, max = 64) int capacity,
                                                       @ForAll long seed) throws IOException {
        Path dir = Files.createTempDirectory("bwc");
        try {
            Path expected = dir.resolve("expected");
            Path actual = dir.resolve("actual");
            try (FileChannel plain = FileChannel.open(expected, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                 BufferedWriteChannel buffered = new BufferedWriteChannel(FileChannel.open(actual,
                         StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), capacity)) {
                Random random = new Random(seed);
                for (int op : ops) {
                    long size = plain.size();
                    if (op % 4 == 0 && size > 0) { // seek back inside what is written
                        long p = random.nextInt((int) Math.min(size, Integer.MAX_VALUE));
                        plain.position(p);
                        buffered.position(p);
                    } else if (op % 17 == 1) { // seek past the end: the gap reads as zeros
                        long p = size + random.nextInt(10);
                        plain.position(p);
                        buffered.position(p);
                    }
                    byte[] bytes = new byte[op % 3 == 0 ? random.nextInt(3 * capacity + 1) : random.nextInt(capacity + 1)];
                    random.nextBytes(bytes);
                    int at = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
                    assertThat(buffered.write(ByteBuffer.wrap(bytes, at, bytes.length - at)))
                            .isEqualTo(plain.write(ByteBuffer.wrap(bytes, at, bytes.length - at)));
                    assertThat(buffered.position()).isEqualTo(plain.position());
                    assertThat(buffered.size()).isEqualTo(plain.size());
                }
            }
            assertThat(Files.readAllBytes(actual)).isEqualTo(Files.readAllBytes(expected));
        } finally {
            try (var files = Files.list(dir)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(dir);
        }
    }

    @Test
    void shouldKeepARewriteOfBufferedBytesInMemory() throws IOException {
        Path file = Files.createTempFile("bwc", ".bin");
        Files.delete(file);
        try (BufferedWriteChannel ch = new BufferedWriteChannel(FileChannel.open(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE), 1024)) {
            ch.write(ByteBuffer.wrap(new byte[] {1, 2, 3, 4, 5, 6}));
            ch.position(2).write(ByteBuffer.wrap(new byte[] {9, 9}));
            ch.position(6);
            assertThat(Files.size(file)).as("nothing written yet").isZero();
            assertThat(ch.size()).isEqualTo(6);
        }
        assertThat(Files.readAllBytes(file)).containsExactly(1, 2, 9, 9, 5, 6);
        Files.delete(file);
    }

    @Test
    void shouldRefuseReadsAndUseAfterClose() throws IOException {
        Path file = Files.createTempFile("bwc", ".bin");
        BufferedWriteChannel ch = new BufferedWriteChannel(FileChannel.open(file, StandardOpenOption.WRITE), 8);
        assertThatThrownBy(() -> ch.read(ByteBuffer.allocate(1))).isInstanceOf(NonReadableChannelException.class);
        ch.write(ByteBuffer.wrap(new byte[] {7}));
        ch.close();
        ch.close();
        assertThat(ch.isOpen()).isFalse();
        assertThatThrownBy(() -> ch.write(ByteBuffer.wrap(new byte[1]))).isInstanceOf(ClosedChannelException.class);
        assertThat(Files.readAllBytes(file)).containsExactly(7);
        assertThat(Arrays.toString(Files.readAllBytes(file))).isEqualTo("[7]");
        Files.delete(file);
    }
}
