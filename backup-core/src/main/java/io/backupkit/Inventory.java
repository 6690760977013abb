package io.backupkit;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Lists things installed in an application's data folder (its plugins, say) so that a backup can record them and a
 * restore can say which of them the target lacks afterwards: what the user has to install again. Core knows no
 * application; the lists come from the caller (the examples' profiles list each application's plugins).
 *
 * <p>An inventory only reads the folder it is given. It runs on the source during a backup (while the services are
 * stopped, when the plan has any), on the target after a restore's swap, and on the extracted files of an archive
 * from another tool. What it returns is recorded as text: sorted, without duplicates or blanks.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder().source(jellyfinData).destination(nas)
 *     .inventory("plugins", folder -> {
 *         try (Stream<Path> s = Files.list(folder.resolve("plugins"))) {
 *             return s.map(p -> p.getFileName().toString()).toList();
 *         }
 *     })
 *     .build();
 * RestoreResult r = plan.restore(RestoreRequest.latest().target(newServer));
 * r.inventory().get("plugins");   // [Playback Reporting_14.0.0.0, ...] as the backup found them
 * r.missing().get("plugins");     // those the target lacks after the restore
 * }</pre>
 */
@FunctionalInterface
public interface Inventory {

    /**
     * @param folder an application data folder: the plan's source, or a restore's target or extracted files. A
     *        missing sub-folder usually means "nothing installed", not an error
     * @return what is installed there, one entry per thing, e.g. {@code "Trakt 26.0.0.0"}
     * @throws IOException when the folder cannot be read; a backup records the inventory as absent, with a
     *         warning, and a restore says so with a warning: neither fails
     */
    List<String> list(Path folder) throws IOException;
}
