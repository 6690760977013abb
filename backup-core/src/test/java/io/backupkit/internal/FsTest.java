package io.backupkit.internal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

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
}
