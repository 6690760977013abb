package io.backupkit;

import io.backupkit.spi.Destination;
import io.backupkit.spi.RemoteFile;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** A remote destination kept in a local folder, for tests: counts uploads and can fail after a number of them. */
class FolderStore implements Destination {

    final Path root;
    final AtomicInteger uploads = new AtomicInteger();
    final AtomicInteger copies = new AtomicInteger();
    volatile int failAfter = Integer.MAX_VALUE;

    FolderStore(Path root) throws IOException {
        this.root = Files.createDirectories(root);
    }

    @Override
    public String id() {
        return "folder-store:" + root;
    }

    @Override
    public List<RemoteFile> list(String prefix) throws IOException {
        List<RemoteFile> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk.filter(Files::isRegularFile)::iterator) {
                String name = root.relativize(p).toString();
                if (name.startsWith(prefix)) {
                    out.add(new RemoteFile(name, Files.size(p)));
                }
            }
        }
        return out;
    }

    @Override
    public InputStream open(String name) throws IOException {
        return Files.newInputStream(root.resolve(name));
    }

    @Override
    public void upload(Path source, String name) throws IOException {
        if (uploads.get() >= failAfter) {
            throw new IOException("connection refused (test)");
        }
        uploads.incrementAndGet();
        Path target = root.resolve(name);
        Files.createDirectories(target.getParent());
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    public boolean createNew(String name, byte[] content) throws IOException {
        try {
            Files.write(root.resolve(name), content, java.nio.file.StandardOpenOption.CREATE_NEW,
                    java.nio.file.StandardOpenOption.WRITE);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        }
    }

    @Override
    public void delete(String name) throws IOException {
        Files.deleteIfExists(root.resolve(name));
    }

    @Override
    public boolean copy(String from, String to) throws IOException {
        Path target = root.resolve(to);
        Files.createDirectories(target.getParent());
        Files.copy(root.resolve(from), target, StandardCopyOption.REPLACE_EXISTING);
        copies.incrementAndGet();
        return true;
    }
}
