package io.backupkit.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FsTest {

    @TempDir
    Path tmp;

    @Test
    void shouldDeleteATreeWithoutFollowingLinks() throws Exception {
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "keep me");
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.createSymbolicLink(tree.resolve("link"), outside);
        Files.createSymbolicLink(tree.resolve("dirlink"), tmp);

        Fs.deleteTree(tmp.resolve("tree"));

        assertThat(tmp.resolve("tree")).doesNotExist();
        assertThat(outside).hasContent("keep me");
    }

    @Test
    void shouldDeleteReadOnlyFolders() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("ro/inner"));
        Files.writeString(dir.resolve("f"), "x");
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));

        Fs.deleteTree(tmp.resolve("ro"));

        assertThat(tmp.resolve("ro")).doesNotExist();
    }

    @Test
    void shouldResolveLinksOnTheLongestExistingPrefix() throws Exception {
        Path real = Files.createDirectories(tmp.resolve("real"));
        Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
        assertThat(Fs.canonical(link.resolve("not/yet"))).isEqualTo(real.toRealPath().resolve("not/yet"));
    }

    @Test
    void shouldSyncManyFilesAndFoldersTogetherAndLeaveNoThreadBehind() throws Exception {
        List<Path> files = new ArrayList<>();
        List<Path> folders = new ArrayList<>();
        for (int d = 0; d < 20; d++) {
            Path dir = Files.createDirectories(tmp.resolve("d" + d));
            folders.add(dir);
            for (int f = 0; f < 10; f++) {
                files.add(Files.writeString(dir.resolve("f" + f), "content " + d + "/" + f));
            }
        }

        Fs.fsyncAll(files, folders);

        long deadline = System.nanoTime() + 5_000_000_000L;
        while (fsyncThreads() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(fsyncThreads()).isZero();
    }

    @Test
    void shouldNameTheFirstPathThatCannotBeSynced() throws Exception {
        Path a = Files.writeString(tmp.resolve("a"), "a");
        Path gone = tmp.resolve("gone");
        Path b = Files.writeString(tmp.resolve("b"), "b");
        for (int threads : new int[] {1, 4}) {
            assertThatThrownBy(() -> Fs.fsyncAll(List.of(a, gone, b), List.of(tmp), threads))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Cannot sync '" + gone + "' to disk")
                    .hasCauseInstanceOf(NoSuchFileException.class);
        }
    }

    @Test
    void shouldSyncATreeOfReadOnlyFilesAndFoldersWithoutFollowingLinks() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/ro"));
        Path readOnly = Files.writeString(tree.resolve("read-only"), "r");
        Path noAccess = Files.writeString(tree.resolve("no-access"), "n");
        Files.createSymbolicLink(tree.resolve("dangling"), tmp.resolve("nowhere"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r--r--r--"));
        Files.setPosixFilePermissions(noAccess, PosixFilePermissions.fromString("---------"));
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("r-xr-xr-x"));

        for (int threads : new int[] {1, 4}) {
            Fs.fsyncTree(tmp.resolve("tree"), threads); // the dangling link, if followed, would fail
        }

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(readOnly))).isEqualTo("r--r--r--");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(noAccess))).isEqualTo("---------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tree))).isEqualTo("r-xr-xr-x");
        Files.setPosixFilePermissions(tree, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void shouldNameAPathWhoseFileSystemFailsInsteadOfLosingTheFailure() throws Exception {
        java.nio.file.FileSystem zip = java.nio.file.FileSystems.newFileSystem(tmp.resolve("fs.zip"),
                java.util.Map.of("create", "true"));
        Path inside = Files.writeString(zip.getPath("/a.txt"), "a");
        zip.close(); // opening the path now throws a runtime exception, not an IOException
        Path fine = Files.writeString(tmp.resolve("fine"), "f");
        for (int threads : new int[] {1, 4}) {
            assertThatThrownBy(() -> Fs.fsyncAll(List.of(fine, inside), List.of(), threads))
                    .isInstanceOf(IOException.class)
                    .hasMessageStartingWith("Cannot sync '" + inside + "' to disk")
                    .hasCauseInstanceOf(RuntimeException.class);
        }
    }

    private static long fsyncThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("backupkit-fsync") && t.isAlive()).count();
    }

    @Test
    void shouldSyncAFileSystemWithOneSyncfsOnlyWhereThatIsKnownToSyncEverything() throws Exception {
        Path log = tmp.resolve("args");
        Path sync = script("fake-sync", "printf '%s\\n' \"$@\" > '" + log + "'\nexit 0\n");
        Path tree = Files.createDirectories(tmp.resolve("tree"));

        assertThat(Fs.syncFileSystem(tree, "ext4", sync)).isTrue();
        assertThat(Files.readAllLines(log)).containsExactly("-f", tree.toAbsolutePath().toString());

        Files.delete(log);
        for (String type : List.of("fuse", "fuseblk", "nfs", "nfs4", "cifs", "smb3", "overlay", "9p", "vfat")) {
            assertThat(Fs.syncFileSystem(tree, type, sync)).as(type).isFalse();
        }
        assertThat(log).as("sync is not run for those").doesNotExist();
    }

    @Test
    void shouldLeaveSyncingToEachFileWhenTheSyncProgramFailsOrIsMissing() throws Exception {
        Path failing = script("failing-sync", "echo 'sync: invalid option -- f' >&2\nexit 1\n");
        Path tree = Files.createDirectories(tmp.resolve("tree"));

        assertThat(Fs.syncFileSystem(tree, "ext4", failing)).isFalse();
        assertThat(Fs.syncFileSystem(tree, "ext4", tmp.resolve("no-such-sync"))).isFalse();
    }

    @Test
    void shouldSyncARealTreeWithTheSystemsSyncWhereItsFileSystemAllowsIt() throws Exception {
        Path tree = Files.createDirectories(tmp.resolve("tree/sub"));
        Files.writeString(tree.resolve("f"), "x");
        boolean linuxSync = System.getProperty("os.name").equals("Linux")
                && (Files.isExecutable(Path.of("/usr/bin/sync")) || Files.isExecutable(Path.of("/bin/sync")));
        boolean expected = linuxSync && Fs.SYNCFS_TYPES.contains(Files.getFileStore(tree).type());

        assertThat(Fs.syncFileSystem(tree)).isEqualTo(expected);
        Fs.fsyncTree(tree); // one way or the other
    }

    private Path script(String name, String body) throws IOException {
        Path p = Files.writeString(tmp.resolve(name), "#!/bin/sh\n" + body);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return p;
    }
}
