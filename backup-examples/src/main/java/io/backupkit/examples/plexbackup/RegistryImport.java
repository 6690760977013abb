package io.backupkit.examples.plexbackup;

import io.backupkit.RunContext;
import io.backupkit.internal.service.CommandRunner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Imports PlexBackup.ps1's exported registry keys with {@code reg import FILE}, one file after the other, as the
 * script does on restore: Plex Media Server on Windows keeps its settings in the registry, not in
 * {@code Preferences.xml}. Used as an {@code afterRestore} hook, so it runs after the swap and before the services
 * start again; a failed import fails the hook (a warning on the restore's result, the files being restored).
 *
 * <pre>{@code
 * BackupPlan.builder()...afterRestore(RegistryImport.of(layout.registryFiles())).build();
 * }</pre>
 */
public final class RegistryImport implements Consumer<RunContext> {

    /** How long one {@code reg import} may take. */
    public static final Duration TIMEOUT = Duration.ofMinutes(2);

    private final List<Path> files;
    private final List<String> command;

    private RegistryImport(List<Path> files, List<String> command) {
        this.files = List.copyOf(files);
        this.command = List.copyOf(command);
    }

    /**
     * @param files the {@code .reg} files, imported in this order
     * @return an import that runs {@code reg import FILE} for each
     */
    public static RegistryImport of(List<Path> files) {
        return new RegistryImport(Objects.requireNonNull(files, "files"), List.of("reg", "import"));
    }

    /**
     * @param command the program and arguments to run before each file's path (default {@code reg import})
     * @return a copy running that instead, e.g. a stand-in in tests
     */
    public RegistryImport withCommand(List<String> command) {
        if (command == null || command.isEmpty()) {
            throw new IllegalArgumentException("the import command must not be empty");
        }
        return new RegistryImport(files, command);
    }

    /** @return the files imported */
    public List<Path> files() {
        return files;
    }

    /**
     * Imports every file.
     *
     * @param ctx the restore that just swapped the files in
     * @throws io.backupkit.ServiceControlException naming the file, the exit code and the output, when one cannot
     *         be imported (the files after it are not tried)
     */
    @Override
    public void accept(RunContext ctx) {
        for (Path file : files) {
            List<String> line = new ArrayList<>(command);
            line.add(file.toString());
            CommandRunner.runChecked("registry import of " + file.getFileName(), line, TIMEOUT);
        }
    }

    @Override
    public String toString() {
        return "import " + files.size() + " registry file" + (files.size() == 1 ? "" : "s") + " with `"
                + String.join(" ", command) + "` (" + String.join(", ", files.stream()
                .map(f -> f.getFileName().toString()).toList()) + ")";
    }
}
