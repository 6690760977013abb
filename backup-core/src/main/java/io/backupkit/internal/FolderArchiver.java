package io.backupkit.internal;

import io.backupkit.spi.ArchiveWriteRequest;
import io.backupkit.spi.ArchivedEntry;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.EntryType;
import io.backupkit.spi.UnitEntry;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Copies a unit as plain files into a folder of the snapshot, keeping source-relative paths: how special folders
 * (PlexBackup's long-path folders) are stored. Not registered as a provider; the engine uses it for special units.
 * Metadata (mode, mtime) is applied on restore from the index.
 *
 * <pre>{@code
 * new FolderArchiver().write(request);   // request.archive() is the folder to create
 * }</pre>
 */
public final class FolderArchiver implements Archiver {

    private static final int BUFFER = 128 * 1024;

    @Override
    public String id() {
        return "folder";
    }

    @Override
    public String extension() {
        return "";
    }

    @Override
    public void write(ArchiveWriteRequest request) throws IOException {
        Path root = request.archive();
        Files.createDirectory(root);
        byte[] buffer = new byte[BUFFER];
        for (UnitEntry e : request.entries()) {
            Path to = root.resolve(e.path());
            switch (e.type()) {
                case DIRECTORY -> Files.createDirectories(to);
                case SYMLINK -> {
                    Files.createDirectories(to.getParent());
                    Files.createSymbolicLink(to, to.getFileSystem().getPath(e.linkTarget()));
                }
                case FILE -> {
                    InputStream in;
                    try {
                        in = request.open(e);
                    } catch (NoSuchFileException vanished) {
                        continue;
                    }
                    Files.createDirectories(to.getParent());
                    try (in; OutputStream out = Files.newOutputStream(to, StandardOpenOption.CREATE_NEW,
                            StandardOpenOption.WRITE)) {
                        int n;
                        while ((n = in.read(buffer)) > 0) {
                            out.write(buffer, 0, n);
                        }
                    }
                }
                default -> throw new IOException("cannot copy '" + e.path() + "' of type " + e.type());
            }
        }
    }

    @Override
    public void read(Path archive, Map<String, String> options, EntryVisitor visitor) throws IOException {
        readInto(archive, archive, visitor);
    }

    private void readInto(Path root, Path dir, EntryVisitor visitor) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        children.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path child : children) {
            String rel = root.relativize(child).toString().replace(child.getFileSystem().getSeparator(), "/");
            BasicFileAttributes a = Files.readAttributes(child, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (a.isSymbolicLink()) {
                String target = Files.readSymbolicLink(child).toString()
                        .replace(child.getFileSystem().getSeparator(), "/");
                visitor.visit(new ArchivedEntry(rel, EntryType.SYMLINK, 0, -1, a.lastModifiedTime(), target),
                        InputStream.nullInputStream());
            } else if (a.isDirectory()) {
                visitor.visit(new ArchivedEntry(rel, EntryType.DIRECTORY, 0, -1, a.lastModifiedTime(), null),
                        InputStream.nullInputStream());
                readInto(root, child, visitor);
            } else if (a.isRegularFile()) {
                try (InputStream in = Files.newInputStream(child, LinkOption.NOFOLLOW_LINKS)) {
                    visitor.visit(new ArchivedEntry(rel, EntryType.FILE, a.size(), -1, a.lastModifiedTime(), null), in);
                }
            } else {
                visitor.visit(new ArchivedEntry(rel, EntryType.OTHER, 0, -1, a.lastModifiedTime(), null),
                        InputStream.nullInputStream());
            }
        }
    }
}
