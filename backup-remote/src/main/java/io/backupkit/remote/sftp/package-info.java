/**
 * An SFTP server's folder as a destination (API: {@link io.backupkit.remote.sftp.SftpDestination}, made by
 * {@link io.backupkit.remote.Destinations#sftp(String, String)}).
 *
 * <pre>{@code
 * builder.destination(Destinations.sftp("nas", "/backups/plex").withUser("backup").withKey(Path.of("id_ed25519")));
 * }</pre>
 */
package io.backupkit.remote.sftp;
