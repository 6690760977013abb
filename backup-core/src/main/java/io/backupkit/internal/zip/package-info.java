/**
 * The {@code zip} archiver, built into core so core alone can back up. Use it by id; the class itself is no promise.
 *
 * <pre>{@code
 * BackupPlan.builder().archiver("zip").archiverOption("level", "1")...
 * }</pre>
 */
package io.backupkit.internal.zip;
