package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.Operation;
import io.backupkit.ProgressEvent;
import io.backupkit.Snapshot;
import io.backupkit.VerifyProblem;
import io.backupkit.VerifyResult;
import io.backupkit.spi.Archiver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Verifies a snapshot: every archive and index against the manifest, every file's content against the index.
 * Read-only: takes no lock, so it can run beside a backup into the same destination.
 *
 * <pre>{@code
 * VerifyResult v = new Verifier(plan).verify("20261122T035800Z");
 * }</pre>
 */
public final class Verifier {

    private final BackupPlan plan;
    private final Events events;

    /**
     * @param plan the plan whose destination holds the snapshot
     */
    public Verifier(BackupPlan plan) {
        this.plan = plan;
        this.events = new Events(plan.listener());
    }

    /**
     * @param id a complete snapshot's id
     * @return every problem found
     */
    public VerifyResult verify(String id) {
        Instant start = Instant.now();
        Snapshot snapshot = new SnapshotStore(plan.destination()).find(Optional.of(id));
        Manifest manifest;
        try {
            manifest = SnapshotStore.readManifest(snapshot.location(), id);
        } catch (io.backupkit.CorruptSnapshotException e) {
            // a manifest that no longer matches its hash: reported like any other problem, nothing else is trusted
            List<VerifyProblem> problems = e.verifyResult().problems();
            notifyAfter(id, start, false, 0, 0, 0, problems.stream().limit(20).map(VerifyProblem::toString)
                    .toList(), null);
            return new VerifyResult(id, 0, 0, 0, Duration.between(start, Instant.now()), problems);
        } catch (BackupException e) {
            // an unreadable or incomplete manifest: the verify fails, and whoever is notified hears of it
            notifyAfter(id, start, false, 0, 0, 0, List.of(e.getMessage()), null);
            throw e;
        }
        boolean success = false;
        try {
            SnapshotReader reader = new SnapshotReader(snapshot.location(), id, manifest,
                    archiverFor(plan, manifest));
            List<VerifyProblem> problems = new java.util.ArrayList<>(reader.checkContainers(true));
            long filesTotal = manifest.totals() == null ? 0 : manifest.totals().files();
            long bytesTotal = manifest.totals() == null ? 0 : manifest.totals().bytes();
            events.send(new ProgressEvent.RunStarted(Operation.VERIFY, id, manifest.units().size(), filesTotal,
                    bytesTotal));
            AtomicLong files = new AtomicLong();
            AtomicLong bytes = new AtomicLong();
            for (Manifest.UnitRecord u : manifest.units()) {
                events.send(new ProgressEvent.UnitStarted(u.name(), u.files(), u.bytes()));
                reader.readUnit(u, null, problems, n -> events.send(new ProgressEvent.Progress(u.name(), null,
                        files.incrementAndGet(), filesTotal, bytes.addAndGet(n), bytesTotal)));
                events.send(new ProgressEvent.UnitFinished(u.name(), false, u.files(), u.bytes()));
            }
            if (reader.droppedProblems() > 0) {
                problems.add(new VerifyProblem(null, SnapshotStore.MANIFEST, VerifyProblem.Kind.MANIFEST, null,
                        null, reader.droppedProblems() + " more problems not listed"));
            }
            success = problems.isEmpty();
            VerifyResult result = new VerifyResult(id, manifest.units().size(), reader.files(), reader.bytes(),
                    Duration.between(start, Instant.now()), problems);
            notifyAfter(id, start, success, reader.files(), reader.bytes(), manifest.units().size(),
                    problems.stream().limit(20).map(VerifyProblem::toString).toList(),
                    manifest.app() == null ? null : manifest.app().version());
            return result;
        } finally {
            events.send(new ProgressEvent.RunFinished(Operation.VERIFY, id, success));
        }
    }

    private void notifyAfter(String id, Instant start, boolean success, long files, long bytes, int units,
                             List<String> errors, String appVersion) {
        if (!plan.notifiers().isEmpty()) {
            Notify.after(plan, new io.backupkit.RunReport(Operation.VERIFY, success
                    ? io.backupkit.RunReport.Outcome.SUCCEEDED : io.backupkit.RunReport.Outcome.FAILED, id, start,
                    Instant.now(), files, bytes, units, 0, List.of(), errors, appVersion, DestinationLock.hostName(),
                    null, null, false));
        }
    }

    /**
     * @param plan the plan (for its archiver and class loader)
     * @param manifest a snapshot's manifest
     * @return the archiver that reads it: the plan's when the ids match, else found by the manifest's id
     */
    static Archiver archiverFor(BackupPlan plan, Manifest manifest) {
        String id = manifest.archiver().id();
        if (plan.archiver().id().equals(id)) {
            return plan.archiver();
        }
        try {
            return Providers.archiver(id, plan.classLoader());
        } catch (io.backupkit.UnknownProviderException e) {
            throw new io.backupkit.UnknownProviderException("The manifest of snapshot " + manifest.id() + " names "
                    + "archiver '" + id + "', which cannot be read here: " + e.getMessage());
        }
    }
}
