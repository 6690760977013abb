package io.backupkit.examples.demo;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TreeComparisonTest {

    @TempDir
    Path tmp;

    private Path a;
    private Path b;

    private static void fill(Path root) throws IOException {
        Files.createDirectories(root.resolve("dir/empty"));
        Files.writeString(root.resolve("dir/file.txt"), "content");
        Files.createSymbolicLink(root.resolve("link"), Path.of("dir/file.txt"));
        Files.createDirectories(root.resolve("Logs"));
        Files.writeString(root.resolve("Logs/x.log"), "log");
    }

    @BeforeEach
    void trees() throws IOException {
        a = tmp.resolve("a");
        b = tmp.resolve("b");
        fill(a);
        fill(b);
    }

    @Test
    void shouldFindNoDifferenceBetweenEqualTrees() throws IOException {
        assertThat(TreeComparison.differences(a, b, rel -> false, 10)).isEmpty();
    }

    @Test
    void shouldFindChangedContentOfTheSameSize() throws IOException {
        Files.writeString(b.resolve("dir/file.txt"), "CONTENT");

        assertThat(TreeComparison.differences(a, b, rel -> false, 10)).containsExactly("content differs: dir/file.txt");
    }

    @Test
    void shouldFindMissingEmptyFolders() throws IOException {
        Files.delete(b.resolve("dir/empty"));

        assertThat(TreeComparison.differences(a, b, rel -> false, 10)).containsExactly("missing: dir/empty (folder)");
    }

    @Test
    void shouldCompareLinkTargetsWithoutFollowing() throws IOException {
        Files.delete(b.resolve("link"));
        Files.createSymbolicLink(b.resolve("link"), b.resolve("dir/file.txt"));

        assertThat(TreeComparison.differences(a, b, rel -> false, 10)).singleElement().asString()
                .startsWith("link target differs: link");
    }

    @Test
    void shouldRequireSkippedPathsToBeAbsent() throws IOException {
        assertThat(TreeComparison.differences(a, b, rel -> rel.startsWith("Logs"), 10))
                .containsExactly("unexpected: Logs (folder), which the backup excludes",
                        "unexpected: Logs/x.log (file), which the backup excludes");
    }

    @Test
    void shouldStopAtTheLimit() throws IOException {
        for (int i = 0; i < 5; i++) {
            Files.writeString(b.resolve("extra" + i), "x");
        }

        assertThat(TreeComparison.differences(a, b, rel -> false, 3)).hasSize(4).last().asString().startsWith("...");
    }
}
