package io.backupkit.internal;

import io.backupkit.UnknownProviderException;
import io.backupkit.spi.Archiver;
import io.backupkit.spi.DatabaseCapture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Finds providers with {@link ServiceLoader} through a given class loader (BackupKit's own by default, never the
 * system class loader, so a host that loads BackupKit in a child class loader still finds the providers next to it).
 * A provider that fails to load is logged and skipped; the others stay usable.
 *
 * <pre>{@code
 * Archiver zip = Providers.archiver("zip", BackupPlan.class.getClassLoader());
 * }</pre>
 */
public final class Providers {

    private static final Logger LOG = LoggerFactory.getLogger(Providers.class);

    private Providers() {
    }

    /**
     * @param type the SPI interface
     * @param loader where to look
     * @param <T> the SPI type
     * @return every provider that loaded
     */
    public static <T> List<T> load(Class<T> type, ClassLoader loader) {
        List<T> found = new ArrayList<>();
        Iterator<T> it = ServiceLoader.load(type, loader).iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                found.add(it.next());
            } catch (ServiceConfigurationError e) {
                LOG.warn("Skipping a {} provider that failed to load: {}", type.getSimpleName(), e.getMessage(), e);
            }
        }
        return found;
    }

    /**
     * @param id the archiver id
     * @param loader where to look
     * @return the archiver
     * @throws UnknownProviderException listing the ids available, if none has that id
     */
    public static Archiver archiver(String id, ClassLoader loader) {
        return find(Archiver.class, loader, id, Archiver::id,
                "archivers 7z, tar.gz, tar.xz, tar.zst and mirror come with io.backupkit:backup-archivers");
    }

    /** The module that brings the SQLite {@link DatabaseCapture}. */
    public static final String SQLITE_MODULE = "io.backupkit:backup-sqlite";

    /**
     * @param loader where to look
     * @return every database capture provider that loaded, in discovery order
     */
    public static List<DatabaseCapture> databaseCaptures(ClassLoader loader) {
        return List.copyOf(load(DatabaseCapture.class, loader));
    }

    /**
     * @param captures the providers
     * @param file a live or restored file marked as a database
     * @return the first provider that accepts the file, or {@code null}
     */
    public static DatabaseCapture captureFor(List<DatabaseCapture> captures, java.nio.file.Path file) {
        for (DatabaseCapture c : captures) {
            try {
                if (c.accepts(file)) {
                    return c;
                }
            } catch (RuntimeException e) {
                LOG.warn("Database capture '{}' failed to look at {}: {}", c.id(), file, e.toString());
            }
        }
        return null;
    }

    /**
     * @param type the SPI interface
     * @param loader where to look
     * @param id the id asked for
     * @param idOf how to read a provider's id
     * @param hint where the missing provider may come from
     * @param <T> the SPI type
     * @return the provider
     * @throws UnknownProviderException listing the ids available, if none has that id
     */
    public static <T> T find(Class<T> type, ClassLoader loader, String id, Function<T, String> idOf, String hint) {
        TreeSet<String> available = new TreeSet<>();
        for (T provider : load(type, loader)) {
            String providerId = idOf.apply(provider);
            if (id.equals(providerId)) {
                return provider;
            }
            available.add(providerId);
        }
        throw new UnknownProviderException("No " + type.getSimpleName().toLowerCase(java.util.Locale.ROOT)
                + " with id '" + id + "'; available: " + (available.isEmpty() ? "none" : String.join(", ", available))
                + " (" + hint + ")");
    }
}
