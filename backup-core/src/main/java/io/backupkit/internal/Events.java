package io.backupkit.internal;

import io.backupkit.ProgressEvent;
import io.backupkit.ProgressListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers events to a listener one at a time (units are written on several threads), so that a failing listener
 * never fails a run.
 *
 * <pre>{@code
 * Events events = new Events(plan.listener());
 * events.send(new ProgressEvent.UnitStarted("Media", 10, 1000));
 * }</pre>
 */
public final class Events {

    private static final Logger LOG = LoggerFactory.getLogger(Events.class);

    private final ProgressListener listener;
    private volatile boolean warned;

    /**
     * @param listener the listener, or {@code null} for none
     */
    public Events(ProgressListener listener) {
        this.listener = listener;
    }

    /**
     * @param event the event to deliver
     */
    public synchronized void send(ProgressEvent event) {
        if (listener == null) {
            return;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            if (!warned) {
                warned = true;
                LOG.warn("A progress listener failed; the run goes on: {}", e.toString(), e);
            }
        }
    }
}
