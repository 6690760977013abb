package io.backupkit.it;

import io.backupkit.it.ItSupport.Run;
import io.backupkit.it.ItSupport.Times;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The pinned public API used the way the design promises it to script writers: a JShell script over the shaded jar.
 */
@Timeout(300)
class JShellIT {

    private static final String SCRIPT = "roundtrip.jsh";

    @TempDir
    Path tmp;

    @Test
    void shouldBackUpVerifyAndRestoreFromAJShellScript() throws IOException {
        Path source = tmp.resolve("source");
        Path dest = tmp.resolve("dest");
        Path target = tmp.resolve("restored");
        ItSupport.writeMediaTree(source, 99);
        Files.createDirectories(source.resolve("Logs/old"));
        Files.writeString(source.resolve("Logs/Plex Media Server.log"), "excluded\n");
        Files.writeString(source.resolve("Logs/old/Plex Media Server.1.log"), "excluded\n");
        Files.writeString(source.resolve("Metadata/scratch.tmp"), "excluded\n");
        SortedMap<String, ItSupport.Node> all = ItSupport.describe(source);
        SortedMap<String, ItSupport.Node> expected = new TreeMap<>(all);
        expected.keySet().removeIf(p -> p.equals("Logs") || p.startsWith("Logs/") || p.endsWith(".tmp"));
        long expectedFiles = expected.values().stream().filter(n -> n.type().equals("file")).count();
        Path script = copyScript();

        Run jshell = ItSupport.run(List.of(ItSupport.jdkTool("jshell").toString(),
                "-J-Djava.util.prefs.userRoot=" + tmp.resolve("prefs"),
                "--class-path", ItSupport.jar().toString(),
                "-R-Dit.source=" + source, "-R-Dit.dest=" + dest, "-R-Dit.target=" + target,
                script.toString()), Duration.ofSeconds(120));

        assertThat(jshell.exit()).as(jshell.describe()).isZero();
        assertThat(jshell.stdoutLines()).as(jshell.describe()).contains(
                "backup files: " + expectedFiles,
                "backup units: 6",
                "snapshots: 1",
                "verify ok: true",
                "restored files: " + expectedFiles,
                "status: 0");
        assertThat(jshell.stdoutLines()).as(jshell.describe())
                .anyMatch(l -> l.matches("latest: \\d{8}T\\d{6}Z complete: true"))
                .noneMatch(l -> l.startsWith("problem: ") || l.startsWith("failed: "));
        String id = jshell.stdoutLines().stream().filter(l -> l.startsWith("backup snapshot: ")).findFirst()
                .orElseThrow().substring("backup snapshot: ".length());
        assertThat(jshell.stdoutLines()).contains("restored snapshot: " + id);
        assertThat(dest.resolve(id).resolve("manifest.json")).isRegularFile();
        ItSupport.assertSameTree("tree restored by the script", ItSupport.describe(target), expected, Times.MILLIS);
        ItSupport.assertSameTree("source after the script", ItSupport.describe(source), all, Times.MILLIS);
    }

    private Path copyScript() throws IOException {
        Path script = tmp.resolve(SCRIPT);
        try (InputStream in = JShellIT.class.getResourceAsStream("/" + SCRIPT)) {
            assertThat(in).as("test resource " + SCRIPT).isNotNull();
            Files.copy(in, script);
        }
        return script;
    }
}
