package io.backupkit;

import io.backupkit.spi.DatabaseCapture;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A stand-in database for the engine tests: a text file starting with {@code FAKEDB}, whose {@code -wal} holds
 * committed lines not yet in the file. A capture writes the file's lines plus the log's, as a checkpoint would; a
 * database holding the line {@code CORRUPT} fails the check. Registered only through {@link #loader(Path)}.
 */
public final class FakeDatabaseCapture implements DatabaseCapture {

    /** The first line of every fake database. */
    public static final String MAGIC = "FAKEDB";
    /** Every copy this provider wrote, in order (test-only state). */
    public static final Queue<Path> COPIES = new ConcurrentLinkedQueue<>();

    /**
     * @param dir an empty folder for the service file
     * @return a class loader that finds this provider through {@link java.util.ServiceLoader}
     * @throws IOException if the service file cannot be written
     */
    public static ClassLoader loader(Path dir) throws IOException {
        Path services = Files.createDirectories(dir.resolve("META-INF/services"));
        Files.writeString(services.resolve(DatabaseCapture.class.getName()), FakeDatabaseCapture.class.getName());
        return new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                FakeDatabaseCapture.class.getClassLoader());
    }

    @Override
    public String id() {
        return "fake";
    }

    @Override
    public boolean accepts(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).startsWith(MAGIC);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public void capture(Path live, Path copy) throws IOException {
        String content = Files.readString(live, StandardCharsets.UTF_8);
        Path wal = live.resolveSibling(live.getFileName() + "-wal");
        if (Files.exists(wal)) {
            content += Files.readString(wal, StandardCharsets.UTF_8);
        }
        Files.writeString(copy, content, StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE_NEW);
        COPIES.add(copy);
    }

    @Override
    public List<String> companions(String fileName) {
        return List.of(fileName + "-wal", fileName + "-shm", fileName + "-journal");
    }

    @Override
    public void check(Path restored) throws IOException {
        if (Files.readAllLines(restored, StandardCharsets.UTF_8).contains("CORRUPT")) {
            throw new IOException("page 2 is malformed");
        }
    }
}
