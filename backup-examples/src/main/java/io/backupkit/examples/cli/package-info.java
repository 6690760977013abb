/**
 * The {@code backupkit} command line (picocli): {@link io.backupkit.examples.cli.BackupKitCli} and its commands
 * {@code backup}, {@code resume}, {@code restore}, {@code list}, {@code verify} and {@code demo}.
 *
 * <pre>{@code
 * java -jar backupkit.jar backup --source /srv/plex --dest /mnt/nas/backups/plex --exclude "Logs/**" --keep 7
 * java -jar backupkit.jar list --dest /mnt/nas/backups/plex --json
 * java -jar backupkit.jar restore --dest /mnt/nas/backups/plex --target /tmp/plex-restored
 * }</pre>
 *
 * <p>Exit codes: 0 success, 1 the operation failed, 2 bad usage. Results go to standard output; a progress bar (on a
 * console only), warnings and errors to standard error. Examples, not API: only the command line's behaviour is a
 * promise, not these classes.
 */
package io.backupkit.examples.cli;
