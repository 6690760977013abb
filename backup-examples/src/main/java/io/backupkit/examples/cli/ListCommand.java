package io.backupkit.examples.cli;

import io.backupkit.BackupException;
import io.backupkit.Snapshot;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code backupkit list}: the snapshots in a destination, newest first, unfinished ones included. {@code --json}
 * prints an array of objects with the fields {@code id, created, appVersion, complete, location, archiver, units,
 * files, bytes, pinned, storedBytes}. A pinned snapshot's status reads {@code pinned}.
 *
 * <pre>{@code
 * $ backupkit list --dest /mnt/nas/backups/plex
 * ID                STATUS          FILES         BYTES  ARCHIVER
 * 20261122T041500Z  unfinished          0             0  zip
 * 20261122T035800Z  complete         3000      12345678  zip
 * 20261101T035800Z  pinned           2990      12300000  zip
 * }</pre>
 */
@Command(name = "list", description = "List the snapshots in a destination, newest first.")
final class ListCommand extends CliCommand {

    @Option(names = "--dest", required = true, paramLabel = "DIR|URL",
            description = "The folder that holds the snapshots, or s3://bucket/prefix, sftp://user@host:port/path.")
    String dest;

    @picocli.CommandLine.Mixin
    RemoteOptions remote = new RemoteOptions();

    @Override
    public Integer call() {
        if (!RemoteOptions.isRemote(dest) && !Files.exists(Path.of(dest))) {
            throw new BackupException("Destination " + dest + " does not exist");
        }
        if (!RemoteOptions.isRemote(dest) && !Files.isDirectory(Path.of(dest))) {
            throw new BackupException("Destination " + dest + " is a file, not a folder");
        }
        List<Snapshot> snapshots = ReadOnlyPlans.of(dest, remote, spec, null).snapshots();
        if (common.json) {
            printJson(snapshots);
            return BackupKitCli.EXIT_OK;
        }
        if (snapshots.isEmpty()) {
            out().println("No snapshots in " + dest);
            return BackupKitCli.EXIT_OK;
        }
        String format = "%-16s  %-10s  %9s  %12s  %s%n";
        out().printf(format, "ID", "STATUS", "FILES", "BYTES", "ARCHIVER");
        for (Snapshot s : snapshots) {
            out().printf(format, s.id(), !s.complete() ? "unfinished" : s.pinned() ? "pinned" : "complete",
                    s.files(), s.bytes(),
                    s.archiver() == null ? "-" : s.archiver());
        }
        return BackupKitCli.EXIT_OK;
    }
}
