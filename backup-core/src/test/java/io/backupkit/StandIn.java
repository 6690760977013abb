package io.backupkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

/**
 * A stand-in for an external tool ({@code systemctl}, {@code sc}, {@code launchctl}, {@code docker}, ...): a shell
 * script in a test's folder that records every argument vector it receives, one line per call with each argument in
 * brackets ({@code [stop][plexmediaserver]}), keeps its state in files next to it, and prints what the real tool
 * prints. Inside the body, {@code $D} is the stand-in's folder.
 */
final class StandIn {

    final Path dir;
    final Path script;
    private final Path calls;

    private StandIn(Path dir, Path script, Path calls) {
        this.dir = dir;
        this.script = script;
        this.calls = calls;
    }

    static StandIn create(Path parent, String name, String body) throws IOException {
        Path dir = Files.createDirectories(parent.resolve(name + ".d"));
        Path script = parent.resolve(name);
        Path calls = dir.resolve("calls");
        String text = "#!/bin/sh\n"
                + "D='" + dir + "'\n"
                + "{ printf '[%s]' \"$@\"; echo; } >> \"$D/calls\"\n"
                + body;
        Files.writeString(script, text, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return new StandIn(dir, script, calls);
    }

    /** @return every argument vector received so far, one per call, as {@code [a][b][c]} */
    List<String> calls() throws IOException {
        return Files.exists(calls) ? Files.readAllLines(calls, StandardCharsets.UTF_8) : List.of();
    }

    void clearCalls() throws IOException {
        Files.deleteIfExists(calls);
    }

    /** Writes a state file the body reads, e.g. {@code state}, {@code fail-stop}. */
    void set(String file, String content) throws IOException {
        Files.writeString(dir.resolve(file), content, StandardCharsets.UTF_8);
    }

    String get(String file) throws IOException {
        return Files.readString(dir.resolve(file), StandardCharsets.UTF_8).strip();
    }

    /** A stand-in whose every call just exits with {@code code} after printing {@code stderr} to stderr. */
    static StandIn failing(Path parent, String name, int code, String stderr) throws IOException {
        return create(parent, name, "printf '%s\\n' '" + stderr + "' >&2\nexit " + code + "\n");
    }
}
