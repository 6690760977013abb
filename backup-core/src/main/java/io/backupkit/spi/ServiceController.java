package io.backupkit.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * Stops the application before a run reads or replaces its data, and starts it again afterwards.
 *
 * <pre>{@code
 * ServiceController plex = new ServiceController() {
 *     public String id() { return "plex"; }
 *     public boolean isRunning() { ... }
 *     public void stop(Duration timeout) { ... }
 *     public void start() { ... }
 * };
 * }</pre>
 */
public interface ServiceController {

    /**
     * @return a short name for logs and messages, e.g. {@code "systemd:plexmediaserver"}
     */
    String id();

    /**
     * @return whether the service is running now
     */
    boolean isRunning();

    /**
     * Stops the service and waits up to {@code timeout} for it to be stopped.
     *
     * @param timeout how long to wait
     */
    void stop(Duration timeout);

    /** Starts the service. */
    void start();

    /**
     * @return the controlled application's version, when it can be read
     */
    default Optional<String> version() {
        return Optional.empty();
    }
}
