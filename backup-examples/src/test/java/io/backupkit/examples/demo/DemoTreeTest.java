package io.backupkit.examples.demo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DemoTreeTest {

    @TempDir
    Path tmp;

    @TempDir
    static Path shared;

    private static DemoTree.Stats sample;

    @BeforeAll
    static void buildOnce() throws IOException {
        sample = DemoTree.create(shared.resolve(DemoTree.APP_FOLDER), DemoTree.MIN_FILES);
    }

    @Test
    void shouldBuildTheSameTreeEveryTime() throws IOException {
        DemoTree.Stats again = DemoTree.create(tmp.resolve("again"), DemoTree.MIN_FILES);

        assertThat(TreeComparison.differences(sample.root(), again.root(), rel -> false, 5)).isEmpty();
        assertThat(again.bytes()).isEqualTo(sample.bytes()).isGreaterThan(4L * 1024 * 1024);
    }

    @Test
    void shouldHoldTheAwkwardCases() throws IOException {
        DemoTree.Stats stats = sample;
        Path root = stats.root();

        assertThat(stats.notes()).isEmpty();
        assertThat(stats.longestPath()).isGreaterThan(DemoTree.LONG_PATH);
        assertThat(stats.links()).isEqualTo(1);
        assertThat(root.resolve("Codecs")).isEmptyDirectory();
        assertThat(root.resolve("Plug-in Support/Databases/current.db")).isSymbolicLink();
        assertThat(root.resolve("Metadata/Movies/" + DemoTree.UNICODE_NAME + ".bundle")).isDirectory();
        assertThat(root.resolve("Logs")).isDirectory();
        assertThat(root.resolve("Cache")).isDirectory();
        assertThat(stats.excludedFiles()).isPositive();
        assertThat(Files.size(root.resolve("Plug-in Support/Databases/com.plexapp.plugins.library.db")))
                .isGreaterThanOrEqualTo(4L * 1024 * 1024);
    }

    @Test
    void shouldHoldExactlyTheFilesAskedFor() throws IOException {
        assertThat(sample.files()).isEqualTo(DemoTree.MIN_FILES);
        assertThat(DemoTree.create(tmp.resolve("more"), DemoTree.MIN_FILES + 123).files())
                .isEqualTo(DemoTree.MIN_FILES + 123);
    }

    @Test
    void shouldRefuseASampleBelowTheMinimum() {
        assertThatThrownBy(() -> DemoTree.create(tmp.resolve("tiny"), DemoTree.MIN_FILES - 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(String.valueOf(DemoTree.MIN_FILES));
        assertThat(tmp.resolve("tiny")).doesNotExist();
    }

    @Test
    void shouldTellExcludedPaths() {
        assertThat(DemoTree.isExcluded("Logs")).isTrue();
        assertThat(DemoTree.isExcluded("Cache/PhotoTranscoder/a.jpg")).isTrue();
        assertThat(DemoTree.isExcluded("Metadata/Logs")).isFalse();
        assertThat(DemoTree.isExcluded("Logsbook.txt")).isFalse();
    }

    @Test
    void shouldRefuseAFolderThatIsNotEmpty() throws IOException {
        Path root = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(root.resolve("mine.txt"), "x");

        assertThatThrownBy(() -> DemoTree.create(root)).isInstanceOf(IOException.class).hasMessageContaining("busy");
    }
}
