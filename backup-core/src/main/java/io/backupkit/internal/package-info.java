/**
 * The engine: source walking, snapshot layout, archiving, verification, restore and locking. Public classes, no
 * promise: anything here may change in any release. Use {@link io.backupkit.BackupPlan} instead.
 *
 * <pre>{@code
 * // not for direct use; see io.backupkit.BackupPlan
 * }</pre>
 */
package io.backupkit.internal;
