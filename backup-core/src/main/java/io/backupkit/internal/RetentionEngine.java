package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.BackupPlan;
import io.backupkit.RetentionReport;
import io.backupkit.Snapshot;
import io.backupkit.SnapshotNotFoundException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Retention outside a backup: preview, prune, pin and unpin. Prune, pin and unpin hold the destination lock, the
 * same one backups take, so none of them can interleave with a backup's own retention.
 *
 * <pre>{@code
 * RetentionReport removed = new RetentionEngine(plan).prune();
 * }</pre>
 */
public final class RetentionEngine {

    private static final Logger LOG = LoggerFactory.getLogger(RetentionEngine.class);

    private final BackupPlan plan;
    private final SnapshotStore store;

    /**
     * @param plan the plan whose destination and retention policy are used
     */
    public RetentionEngine(BackupPlan plan) {
        this.plan = plan;
        this.store = new SnapshotStore(plan.destination());
    }

    /**
     * @return what retention would remove now; writes nothing and takes no lock
     * @throws BackupException if the destination does not exist
     */
    public RetentionReport preview() {
        requireDestination();
        Instant now = Instant.now();
        List<String> warnings = new ArrayList<>();
        Retention.Decision d = Retention.decide(plan.retention(), store.list(), null, pinned(warnings), now);
        warnings.addAll(d.warnings());
        return new RetentionReport(Retention.describe(plan.retention()), now, d.kept(), d.removed(), warnings, true);
    }

    /**
     * @return what was removed; a preview when the plan is a dry run
     * @throws io.backupkit.DestinationLockedException naming the holder, if another run holds the lock
     * @throws BackupException if the destination does not exist
     */
    public RetentionReport prune() {
        Instant start = Instant.now();
        try {
            RetentionReport r = plan.dryRun() ? preview() : removeNow();
            if (plan.notifiers().isEmpty()) {
                return r;
            }
            List<String> failed = Notify.after(plan, report(start, io.backupkit.RunReport.Outcome.SUCCEEDED,
                    r.warnings(), List.of(), r.removed().size()));
            if (failed.isEmpty()) {
                return r;
            }
            List<String> warnings = new ArrayList<>(r.warnings());
            warnings.addAll(failed);
            return new RetentionReport(r.policy(), r.now(), r.kept(), r.removed(), warnings, r.dryRun());
        } catch (RuntimeException e) {
            if (!plan.notifiers().isEmpty()) {
                Notify.after(plan, report(start, io.backupkit.RunReport.Outcome.FAILED, List.of(), Notify.errors(e),
                        0));
            }
            throw e;
        }
    }

    private io.backupkit.RunReport report(Instant start, io.backupkit.RunReport.Outcome outcome, List<String> warnings,
                                          List<String> errors, int removed) {
        // for a prune, units counts the snapshots removed
        return new io.backupkit.RunReport(io.backupkit.Operation.PRUNE, outcome, null, start, Instant.now(), 0, 0,
                removed, 0, warnings, errors, null, DestinationLock.hostName(), null, null, plan.dryRun());
    }

    private RetentionReport removeNow() {
        requireDestination();
        try (DestinationLock lock = DestinationLock.acquire(plan.destination(), "prune")) {
            List<String> warnings = new ArrayList<>();
            store.removeLeftovers(m -> LOG.info("{}", m), m -> {
                LOG.warn("{}", m);
                warnings.add(m);
            });
            Instant now = Instant.now();
            Retention.Decision d = Retention.decide(plan.retention(), store.list(), null, pinned(warnings), now);
            warnings.addAll(d.warnings());
            List<Snapshot> kept = new ArrayList<>(d.kept());
            List<RetentionReport.Removed> removed = new ArrayList<>();
            for (RetentionReport.Removed r : d.removed()) {
                try {
                    store.remove(r.snapshot().id());
                    removed.add(r);
                    LOG.info("Retention {} removed snapshot {}", Retention.describe(plan.retention()),
                            r.snapshot().id());
                } catch (IOException e) {
                    String w = "Could not remove snapshot " + r.snapshot().id() + " for retention: "
                            + SourceScanner.describe(e);
                    LOG.warn("{}", w);
                    warnings.add(w);
                    kept.add(r.snapshot());
                }
            }
            kept.sort(Comparator.comparing(Snapshot::id).reversed());
            return new RetentionReport(Retention.describe(plan.retention()), now, kept, removed, warnings, false);
        }
    }

    /**
     * @param id a complete snapshot's id
     * @return the snapshot, now pinned
     * @throws SnapshotNotFoundException naming the id, if there is no such complete snapshot
     * @throws io.backupkit.DestinationLockedException naming the holder, if another run holds the lock
     */
    public Snapshot pin(String id) {
        requireDestination();
        try (DestinationLock lock = DestinationLock.acquire(plan.destination(), "pin")) {
            Snapshot s = store.find(Optional.of(id));
            Pins pins = store.readPins();
            if (pins.pins().stream().noneMatch(p -> id.equals(p.id()))) {
                List<Pins.Pin> list = new ArrayList<>(pins.pins());
                list.add(new Pins.Pin(id, Instant.now().toString(), DestinationLock.hostName()));
                list.sort(Comparator.comparing(Pins.Pin::id, Comparator.nullsFirst(Comparator.naturalOrder())));
                write(new Pins(Pins.FORMAT_VERSION, list));
                LOG.info("Pinned snapshot {} in {}", id, plan.destination());
            }
            return s.withPinned(true);
        }
    }

    /**
     * @param id a pinned snapshot's id (a pin whose snapshot no longer exists is removed too)
     * @return {@code true} if it was pinned, {@code false} if it is a complete snapshot that was not pinned
     * @throws SnapshotNotFoundException naming the id, if it is neither pinned nor a complete snapshot
     * @throws io.backupkit.DestinationLockedException naming the holder, if another run holds the lock
     */
    public boolean unpin(String id) {
        requireDestination();
        try (DestinationLock lock = DestinationLock.acquire(plan.destination(), "unpin")) {
            Pins pins = store.readPins();
            List<Pins.Pin> list = new ArrayList<>(pins.pins());
            if (!list.removeIf(p -> id.equals(p.id()))) {
                store.find(Optional.of(id));   // throws naming the id when there is no such snapshot
                return false;
            }
            write(new Pins(Pins.FORMAT_VERSION, list));
            LOG.info("Unpinned snapshot {} in {}", id, plan.destination());
            return true;
        }
    }

    private void write(Pins pins) {
        try {
            store.writePins(pins);
        } catch (IOException e) {
            throw new BackupException("Cannot write the pins file " + plan.destination().resolve(SnapshotStore.PINS)
                    + ": " + SourceScanner.describe(e), e);
        }
    }

    private Set<String> pinned(List<String> warnings) {
        try {
            return store.pinnedIds();
        } catch (BackupException e) {
            warnings.add(e.getMessage());
            return null;
        }
    }

    private void requireDestination() {
        if (!Files.isDirectory(plan.destination())) {
            throw new BackupException("Destination " + plan.destination()
                    + (Files.exists(plan.destination()) ? " is a file, not a folder" : " does not exist"));
        }
    }
}
