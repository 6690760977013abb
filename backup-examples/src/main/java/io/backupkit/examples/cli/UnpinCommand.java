package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code backupkit unpin}: removes a snapshot's pin, so retention may remove it again. {@code --json} prints
 * {@code {"id": ..., "wasPinned": true|false}}.
 *
 * <pre>{@code
 * $ backupkit unpin --dest /mnt/nas/backups/plex 20261122T035800Z
 * Unpinned snapshot 20261122T035800Z
 * }</pre>
 */
@Command(name = "unpin", description = "Unpin a snapshot, so retention may remove it again.")
final class UnpinCommand extends CliCommand {

    @Option(names = "--dest", required = true, paramLabel = "DIR", description = "The folder that holds the snapshots.")
    Path dest;

    @Parameters(index = "0", paramLabel = "ID", description = "The id of a pinned snapshot.")
    String id;

    @Override
    public Integer call() {
        if (!Files.exists(dest)) {
            throw new BackupException("Destination " + dest + " does not exist");
        }
        boolean wasPinned = ReadOnlyPlans.of(dest, null).unpin(id);
        if (common.json) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", id.strip());
            json.put("wasPinned", wasPinned);
            printJson(json);
        } else {
            out().println(wasPinned ? "Unpinned snapshot " + id.strip() : "Snapshot " + id.strip() + " was not pinned");
        }
        return BackupKitCli.EXIT_OK;
    }
}
