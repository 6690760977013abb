package io.backupkit.it;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code backupkit} launcher beside the CLI jar, run as a user runs it. */
class LauncherIT {

    @TempDir
    Path tmp;

    private record Result(int exit, String stdout, String stderr) {
        String describe() {
            return "exit " + exit + "\n--- stdout ---\n" + stdout + "\n--- stderr ---\n" + stderr;
        }
    }

    @Test
    void shouldBackUpAndRestoreThroughTheLauncherAndASymlinkToIt() throws Exception {
        Path source = tmp.resolve("source");
        ItSupport.writeMediaTree(source, 11);
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path link = Files.createSymbolicLink(bin.resolve("backupkit"), launcher());

        Result backup = run(Map.of(), link.toString(), "backup", "--source", source.toString(), "--dest",
                tmp.resolve("dest").toString(), "--archiver", "tar.zst", "--quiet");
        assertThat(backup.exit()).as(backup.describe()).isZero();
        Result restore = run(Map.of(), link.toString(), "restore", "--dest", tmp.resolve("dest").toString(),
                "--target", tmp.resolve("restored").toString(), "--quiet");
        assertThat(restore.exit()).as(restore.describe()).isZero();

        ItSupport.assertSameTree("restored through the launcher", ItSupport.describe(tmp.resolve("restored")),
                ItSupport.describe(source), ItSupport.Times.MILLIS);
    }

    @Test
    void shouldRunTheJvmWithTheSerialCollectorASmallInitialHeapLaterCompilationAndTheUsersOptionsLast() throws Exception {
        Result defaults = run(Map.of("BACKUPKIT_JAVA_OPTS", "-XX:+PrintFlagsFinal"), launcher().toString(),
                "--version");
        assertThat(defaults.exit()).as(defaults.describe()).isZero();
        assertThat(flag(defaults.stdout(), "UseSerialGC")).isEqualTo("true");
        assertThat(flag(defaults.stdout(), "InitialHeapSize")).isEqualTo(String.valueOf(64L << 20));
        assertThat(Double.parseDouble(flag(defaults.stdout(), "CompileThresholdScaling"))).isEqualTo(3.0);
        // the JVM reports the tier-4 thresholds scaled: ten times its defaults, times the scaling's 3
        assertThat(flag(defaults.stdout(), "Tier4InvocationThreshold")).isEqualTo("150000");
        assertThat(flag(defaults.stdout(), "Tier4MinInvocationThreshold")).isEqualTo("18000");
        assertThat(flag(defaults.stdout(), "Tier4CompileThreshold")).isEqualTo("450000");
        assertThat(flag(defaults.stdout(), "Tier4BackEdgeThreshold")).isEqualTo("1200000");
        assertThat(defaults.stdout()).contains("backupkit ");

        Result mine = run(Map.of("BACKUPKIT_JAVA_OPTS", "-XX:+PrintFlagsFinal -XX:+UseG1GC -Xms32m -Xmx512m"
                        + " -XX:CompileThresholdScaling=1 -XX:Tier4InvocationThreshold=5000"),
                launcher().toString(), "--version");
        assertThat(mine.exit()).as(mine.describe()).isZero();
        assertThat(flag(mine.stdout(), "UseG1GC")).isEqualTo("true");
        assertThat(flag(mine.stdout(), "UseSerialGC")).isEqualTo("false");
        assertThat(flag(mine.stdout(), "InitialHeapSize")).isEqualTo(String.valueOf(32L << 20));
        assertThat(flag(mine.stdout(), "MaxHeapSize")).isEqualTo(String.valueOf(512L << 20));
        assertThat(Double.parseDouble(flag(mine.stdout(), "CompileThresholdScaling"))).isEqualTo(1.0);
        assertThat(flag(mine.stdout(), "Tier4InvocationThreshold")).isEqualTo("5000");
    }

    @Test
    void shouldNameAMissingJarOrJava() throws Exception {
        Path missing = tmp.resolve("nowhere/backupkit.jar");
        Result noJar = run(Map.of("BACKUPKIT_JAR", missing.toString()), launcher().toString(), "--version");
        assertThat(noJar.exit()).isEqualTo(2);
        assertThat(noJar.stderr()).contains("no backupkit.jar at " + missing);

        Result noJava = run(Map.of("JAVA_HOME", tmp.toString()), launcher().toString(), "--version");
        assertThat(noJava.exit()).isEqualTo(2);
        assertThat(noJava.stderr()).contains("JAVA_HOME is " + tmp).contains("not an executable Java");
    }

    private static Path launcher() {
        Path launcher = ItSupport.jar().resolveSibling("backupkit");
        assertThat(launcher).as("the launcher the build puts beside the jar").isRegularFile().isExecutable();
        return launcher;
    }

    /** @return the value -XX:+PrintFlagsFinal printed for {@code name} */
    private static String flag(String flags, String name) {
        return flags.lines().map(String::trim).filter(l -> l.matches("\\S+\\s+" + name + "\\s+=.*"))
                .map(l -> l.replaceFirst(".*=\\s*", "").replaceFirst("\\s.*", ""))
                .findFirst().orElseThrow(() -> new AssertionError("no flag " + name + " in\n" + flags));
    }

    private Result run(Map<String, String> env, String... command) throws IOException, InterruptedException {
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        ProcessBuilder pb = new ProcessBuilder(List.of(command)).redirectOutput(out.toFile())
                .redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
        pb.environment().remove("BACKUPKIT_JAVA_OPTS");
        pb.environment().remove("BACKUPKIT_JAR");
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("LC_ALL", "C.UTF-8");
        pb.environment().putAll(env);
        Process p = pb.start();
        if (!p.waitFor(ItSupport.CLI_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("the launcher did not finish in " + ItSupport.CLI_TIMEOUT + ": " + List.of(command));
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
