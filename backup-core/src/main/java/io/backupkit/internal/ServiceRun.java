package io.backupkit.internal;

import io.backupkit.BackupException;
import io.backupkit.ServiceControlException;
import io.backupkit.spi.ServiceController;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The plan's services for one run: which were running, stopping them in order and confirming it, starting the ones
 * stopped in reverse order, and the application version they report.
 *
 * <pre>{@code
 * ServiceRun services = new ServiceRun(plan.services(), plan.stopTimeout(), log);
 * services.stopAll();            // throws, after starting again what it stopped, if one will not stop
 * try { ... } finally { services.startAll(); }
 * }</pre>
 */
final class ServiceRun {

    /** How often a stopping service is polled. */
    static final Duration POLL = Duration.ofMillis(100);

    private final List<ServiceController> services;
    private final Duration stopTimeout;
    private final RunLog log;
    private final List<ServiceController> stopped = new ArrayList<>();

    ServiceRun(List<ServiceController> services, Duration stopTimeout, RunLog log) {
        this.services = services;
        this.stopTimeout = stopTimeout;
        this.log = log;
    }

    /** @return the services' ids, for messages */
    List<String> ids() {
        return services.stream().map(ServiceController::id).toList();
    }

    /** @return whether the plan controls any service */
    boolean any() {
        return !services.isEmpty();
    }

    /**
     * @return the first version a service reports, asked before anything is stopped; empty when none does
     */
    Optional<String> version() {
        for (ServiceController s : services) {
            try {
                Optional<String> v = s.version();
                if (v != null && v.isPresent() && !v.get().isBlank()) {
                    return Optional.of(v.get().strip());
                }
            } catch (RuntimeException e) {
                log.warn("Service " + s.id() + " could not report its version: " + e.getMessage());
            }
        }
        return Optional.empty();
    }

    /**
     * @throws BackupException naming every service that is not running
     */
    void requireRunning() {
        List<String> down = new ArrayList<>();
        for (ServiceController s : services) {
            if (!running(s)) {
                down.add(s.id());
            }
        }
        if (!down.isEmpty()) {
            throw new ServiceControlException(down.get(0), "Service " + String.join(", ", down)
                    + " is not running, and the plan requires"
                    + " it to be (requireRunning / --require-running); start it, or back up without that option");
        }
    }

    /** Logs, as dry-run steps, what {@link #stopAll()} would do. */
    void describeStop() {
        for (ServiceController s : services) {
            if (running(s)) {
                log.step("stop service {} and confirm it stopped (timeout {})", s.id(), stopTimeout);
            } else {
                log.step("leave service {} as it is: not running", s.id());
            }
        }
    }

    /**
     * Logs, as dry-run steps, what {@link #startAll()} would do.
     *
     * @param when when it would happen, for the step's text
     */
    void describeStart(String when) {
        List<ServiceController> reversed = new ArrayList<>(services);
        java.util.Collections.reverse(reversed);
        for (ServiceController s : reversed) {
            if (running(s)) {
                log.step("start service {} again {}", s.id(), when);
            }
        }
    }

    /**
     * Stops every running service in order and confirms each is stopped. When one will not stop, the ones already
     * stopped are started again and the run fails before the data is touched.
     *
     * @throws BackupException naming the service that would not stop
     */
    void stopAll() {
        for (ServiceController s : services) {
            boolean asked = false;
            try {
                if (!running(s)) {
                    log.info("Service {} is not running; it is left as it is", s.id());
                    continue;
                }
                log.info("Stopping service {} (timeout {})", s.id(), stopTimeout);
                asked = true;
                s.stop(stopTimeout);
                awaitStopped(s);
                stopped.add(s);
            } catch (RuntimeException e) {
                if (asked) {
                    stopped.add(s); // it may be half stopped: starting it again is the safe side
                }
                List<String> notStarted = startAll();
                String message = (e instanceof BackupException ? e.getMessage()
                        : "Service " + s.id() + " could not be stopped: " + e) + "; nothing was read or written"
                        + (notStarted.isEmpty() ? "" : "; " + String.join("; ", notStarted));
                if (e instanceof ServiceControlException sce) {
                    throw new ServiceControlException(sce.controllerId(), message, sce.command(),
                            sce.exitCode().isPresent() ? sce.exitCode().getAsInt() : null, e);
                }
                throw new ServiceControlException(s.id(), message, List.of(), null, e);
            }
            log.info("Service {} stopped", s.id());
        }
    }

    private void awaitStopped(ServiceController s) {
        long deadline = System.nanoTime() + stopTimeout.toNanos();
        while (running(s)) {
            if (System.nanoTime() - deadline > 0) {
                throw new ServiceControlException(s.id(), "Service " + s.id() + " is still running " + stopTimeout
                        + " after it was asked to stop");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new BackupException("Interrupted while waiting for service " + s.id() + " to stop", e);
            }
        }
    }

    /**
     * Starts the services this run stopped, in reverse order; each is started once even when called again.
     *
     * @return one message per service that failed to start (also logged as a warning); empty when all started
     */
    List<String> startAll() {
        List<String> failures = new ArrayList<>();
        for (int i = stopped.size() - 1; i >= 0; i--) {
            ServiceController s = stopped.get(i);
            log.info("Starting service {}", s.id());
            try {
                s.start();
            } catch (RuntimeException e) {
                String m = "Service " + s.id() + " did not start again: " + e.getMessage()
                        + "; start it by hand";
                log.warn(m);
                failures.add(m);
            }
        }
        stopped.clear();
        return failures;
    }

    /** @return whether this run stopped services that it has not started again */
    boolean holdsStopped() {
        return !stopped.isEmpty();
    }

    /**
     * Forgets the services stopped, leaving them stopped.
     *
     * @param why for the log
     */
    void leaveStopped(String why) {
        for (ServiceController s : stopped) {
            log.warn("Service " + s.id() + " is left stopped: " + why);
        }
        stopped.clear();
    }

    private boolean running(ServiceController s) {
        try {
            return s.isRunning();
        } catch (RuntimeException e) {
            if (e instanceof ServiceControlException) {
                throw e;
            }
            throw new ServiceControlException(s.id(), "Cannot tell whether service " + s.id() + " is running: "
                    + e.getMessage(), List.of(), null, e);
        }
    }
}
