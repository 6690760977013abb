package io.backupkit.internal;

import java.util.List;

/**
 * The content of a destination's {@code .backupkit-pins.json}: the snapshots that retention must never remove. Kept
 * at the destination's root, outside every snapshot folder, so pinning never edits a snapshot (whose files may be
 * hard-linked into others) and never shows up when a snapshot is verified.
 *
 * <pre>{@code
 * Pins pins = Json.read(destination.resolve(SnapshotStore.PINS), Pins.class);
 * }</pre>
 *
 * @param formatVersion the file's format, {@link #FORMAT_VERSION}
 * @param pins the pinned snapshots, oldest id first
 */
public record Pins(int formatVersion, List<Pin> pins) {

    /** The format this library writes. */
    public static final int FORMAT_VERSION = 1;

    /** Copies the list. */
    public Pins {
        pins = pins == null ? List.of() : List.copyOf(pins);
    }

    /**
     * @param id the snapshot id
     * @param pinnedAt when it was pinned (ISO-8601)
     * @param host the host that pinned it
     */
    public record Pin(String id, String pinnedAt, String host) {
    }
}
