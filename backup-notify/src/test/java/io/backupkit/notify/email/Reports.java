package io.backupkit.notify.email;

import io.backupkit.Operation;
import io.backupkit.RunReport;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** Run reports made by hand, as the engine makes them. */
final class Reports {

    static final Instant STARTED = Instant.parse("2026-11-22T03:58:00.250Z");
    static final Instant FINISHED = Instant.parse("2026-11-22T03:58:41.750Z");

    private Reports() {
    }

    static RunReport succeeded() {
        return new RunReport(Operation.BACKUP, RunReport.Outcome.SUCCEEDED, "20261122T035800Z", STARTED, FINISHED,
                3000, 12_345_678L, 5, 2, List.of("Cache/<tmp>.db changed while it was read"), List.of(),
                "1.41.2.9200", "media-server", Path.of("/var/log/backupkit/backup.log"), null, false);
    }

    static RunReport failedEarly() {
        return new RunReport(Operation.BACKUP, RunReport.Outcome.FAILED, null, STARTED, STARTED.plusSeconds(1),
                0, 0, 0, 0, List.of(), List.of("destination /mnt/nas/plex is locked by pid 4242 on nas",
                "caused by: java.nio.channels.OverlappingFileLockException"), null, "media-server",
                Path.of("/var/log/backupkit/backup.log"), Path.of("/var/log/backupkit/backup.errors.log"), false);
    }
}
