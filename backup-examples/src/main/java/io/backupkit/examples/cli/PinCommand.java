package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import io.backupkit.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code backupkit pin}: marks a complete snapshot so that retention never removes it (Sonarr's manual backups).
 * {@code --json} prints the snapshot, as {@code list --json} does.
 *
 * <pre>{@code
 * $ backupkit pin --dest /mnt/nas/backups/plex 20261122T035800Z
 * Pinned snapshot 20261122T035800Z: retention keeps it until it is unpinned
 * }</pre>
 */
@Command(name = "pin", description = "Pin a snapshot: retention never removes it until it is unpinned.")
final class PinCommand extends CliCommand {

    @Option(names = "--dest", required = true, paramLabel = "DIR", description = "The folder that holds the snapshots.")
    Path dest;

    @Parameters(index = "0", paramLabel = "ID", description = "The id of a complete snapshot.")
    String id;

    @Override
    public Integer call() {
        if (!Files.exists(dest)) {
            throw new BackupException("Destination " + dest + " does not exist");
        }
        Snapshot s = ReadOnlyPlans.of(dest, null).pin(id);
        if (common.json) {
            printJson(s);
        } else {
            out().println("Pinned snapshot " + s.id() + ": retention keeps it until it is unpinned");
        }
        return BackupKitCli.EXIT_OK;
    }
}
