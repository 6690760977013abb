/**
 * Consistent capture of live SQLite databases for BackupKit: {@link io.backupkit.sqlite.SqliteCapture}, the
 * {@link io.backupkit.spi.DatabaseCapture} provider with id {@code sqlite}, found through
 * {@link java.util.ServiceLoader} when this jar is on the class path. Public API: only the provider class; plans use it
 * through {@code BackupPlan.Builder.database(globs)}.
 *
 * <pre>{@code
 * BackupPlan.builder().source(plexData).destination(nas)
 *     .database("Plug-in Support/Databases/*.db")
 *     .build();
 * }</pre>
 */
package io.backupkit.sqlite;
