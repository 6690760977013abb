/**
 * Examples built on BackupKit's public API: {@link io.backupkit.examples.QuickStart}, the code the README quotes.
 * The {@code backupkit} command line lives in {@link io.backupkit.examples.cli}, the demo data folder in
 * {@link io.backupkit.examples.demo}.
 *
 * <pre>{@code
 * java -cp backupkit.jar io.backupkit.examples.QuickStart "/path/to/Plex Media Server" /mnt/nas/backups/plex
 * }</pre>
 *
 * <p>Examples, not API: nothing here is a promise; copy what you need.
 */
package io.backupkit.examples;
