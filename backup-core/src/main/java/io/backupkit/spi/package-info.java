/**
 * The service-provider interfaces: what archivers, service controllers, retention policies, notifiers and
 * database captures ({@link io.backupkit.spi.DatabaseCapture}) implement, and remote destinations
 * ({@link io.backupkit.spi.Destination}) with their optional {@link io.backupkit.spi.Encryption}.
 * Providers are {@code public final} classes with a public no-argument constructor listed in
 * {@code META-INF/services/<interface name>}; BackupKit finds them with {@link java.util.ServiceLoader} through its own
 * class loader (or the one given to {@code BackupPlan.Builder.classLoader}). An instance passed to the builder wins
 * over discovery.
 *
 * <pre>{@code
 * // META-INF/services/io.backupkit.spi.Archiver
 * com.example.MyArchiver
 * }</pre>
 *
 * <p>These interfaces may gain default methods; implementations keep working.
 */
package io.backupkit.spi;
