package io.backupkit;

import io.backupkit.internal.Providers;
import io.backupkit.spi.Archiver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ProviderDiscoveryTest {

    @TempDir
    Path tmp;

    @Test
    void shouldSkipABrokenProviderAndKeepTheOthers() throws Exception {
        Path services = Files.createDirectories(tmp.resolve("META-INF/services"));
        Files.writeString(services.resolve(Archiver.class.getName()), "com.example.DoesNotExist\n");
        try (URLClassLoader loader = new URLClassLoader(new URL[] {tmp.toUri().toURL()},
                getClass().getClassLoader())) {
            assertThat(Providers.load(Archiver.class, loader)).extracting(Archiver::id).containsExactly("zip");
            BackupPlan plan = BackupPlan.builder().source(tmp.resolve("s")).destination(tmp.resolve("d"))
                    .classLoader(loader).build();
            assertThat(plan.archiver().id()).isEqualTo("zip");
        }
    }

    @Test
    void shouldKeepLongPathsInTheSampleTree() throws Exception {
        Path root = TestTrees.plexLike(tmp.resolve("src"));
        try (var walk = Files.walk(root)) {
            assertThat(walk.mapToInt(p -> root.relativize(p).toString().length()).max().orElse(0))
                    .isGreaterThan(260);
        }
    }
}
