package io.backupkit.notify.webhook;

import io.backupkit.Operation;
import io.backupkit.RunReport;
import io.backupkit.spi.Notification;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Collections;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Hand-made run reports. */
final class Reports {

    static final Instant STARTED = Instant.parse("2026-11-22T03:58:00Z");
    static final Instant FINISHED = Instant.parse("2026-11-22T03:58:41.250Z");

    private Reports() {
    }

    static RunReport success() {
        return new RunReport(Operation.BACKUP, RunReport.Outcome.SUCCEEDED, "20261122T035800Z", STARTED, FINISHED,
                3000, 12_300_000, 12, 9, List.of("skipped Cache/locked.db: in use"), List.of(), "1.40.2.8395",
                "media-server", Path.of("/var/backups/plex/logs/20261122T035800Z.log"),
                Path.of("/var/backups/plex/logs/20261122T035800Z.errors.log"), false);
    }

    /** A run that failed before choosing a snapshot. */
    static RunReport failedEarly() {
        return new RunReport(Operation.BACKUP, RunReport.Outcome.FAILED, null, STARTED, STARTED.plusMillis(120), 0,
                0, 0, 0, List.of(), List.of("destination /mnt/nas/plex is locked by pid 4242 on nas",
                "caused by: lock held"), null, "media-server", null, null, false);
    }

    /** A failed restore with 500 long warnings and 500 long errors. */
    static RunReport huge() {
        String filler = String.join("", Collections.nCopies(40, "éàü_*<&>"));
        List<String> warnings = IntStream.range(0, 500).mapToObj(i -> "warning " + i + " " + filler)
                .collect(Collectors.toList());
        List<String> errors = IntStream.range(0, 500).mapToObj(i -> "error " + i + " " + filler)
                .collect(Collectors.toList());
        return new RunReport(Operation.RESTORE, RunReport.Outcome.FAILED, "20261122T035800Z", STARTED, FINISHED, 7,
                8, 3, 0, warnings, errors, "v" + filler, "host-" + filler, Path.of("/logs/" + filler), null, false);
    }

    static Notification of(RunReport report) {
        return new Notification(report, null);
    }
}
