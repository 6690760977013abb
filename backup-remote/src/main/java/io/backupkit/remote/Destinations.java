package io.backupkit.remote;

import io.backupkit.InvalidPlanException;
import io.backupkit.remote.s3.S3Destination;
import io.backupkit.remote.sftp.SftpDestination;
import io.backupkit.spi.Destination;

import java.net.URI;
import java.util.List;

/**
 * Makes the remote destinations: S3-compatible object storage and SFTP servers.
 *
 * <pre>{@code
 * BackupPlan plan = BackupPlan.builder()
 *     .source("/var/lib/jellyfin")
 *     .destination(Destinations.s3("backups", "jellyfin").withRegion("eu-central-1"))
 *     .build();
 * Destination nas = Destinations.parse("sftp://backup@nas.local:2222/volume1/backups");
 * }</pre>
 */
public final class Destinations {

    private Destinations() {
    }

    /**
     * @param bucket an existing bucket
     * @param prefix the key prefix the snapshots go under, {@code ""} for the bucket's root
     * @return the S3 destination, with the SDK's default region and credentials; see its {@code withX} methods
     * @throws InvalidPlanException if the bucket is blank or the prefix absolute
     */
    public static S3Destination s3(String bucket, String prefix) {
        return S3Destination.of(bucket, prefix);
    }

    /**
     * @param host the SFTP server
     * @param path the folder the snapshots go in
     * @return the SFTP destination: port 22, the current user, {@code ~/.ssh/known_hosts}; see its {@code withX}
     *         methods for the key or password
     * @throws InvalidPlanException if the host or path is blank
     */
    public static SftpDestination sftp(String host, String path) {
        return SftpDestination.of(host, path);
    }

    /**
     * @param uri {@code s3://bucket/prefix} or {@code sftp://user@host:port/path} (a path after the host is taken as
     *        absolute; {@code sftp://host/~/backups} is relative to the login folder)
     * @return the destination, to be refined with its {@code withX} methods
     * @throws InvalidPlanException if the scheme is neither, or a part is missing
     */
    public static Destination parse(String uri) {
        URI u;
        try {
            u = URI.create(uri);
        } catch (RuntimeException e) {
            throw new InvalidPlanException(List.of("destination '" + uri + "' is not an s3:// or sftp:// URL"));
        }
        String scheme = u.getScheme() == null ? "" : u.getScheme();
        String path = u.getPath() == null ? "" : u.getPath();
        switch (scheme) {
            case "s3":
                if (u.getHost() == null) {
                    throw new InvalidPlanException(List.of("destination '" + uri + "' names no bucket"));
                }
                return s3(u.getHost(), path.replaceFirst("^/", ""));
            case "sftp":
                if (u.getHost() == null || path.isEmpty() || path.equals("/")) {
                    throw new InvalidPlanException(List.of("destination '" + uri
                            + "' needs a host and a folder: sftp://user@host:port/path"));
                }
                SftpDestination d = sftp(u.getHost(), path.startsWith("/~/") ? path.substring(3) : path);
                if (u.getUserInfo() != null) {
                    if (u.getUserInfo().contains(":")) {
                        throw new InvalidPlanException(List.of("destination '" + uri.replaceAll(":[^:@/]*@", ":****@")
                                + "' holds a password: give it apart (withPassword, --ssh-password-env)"));
                    }
                    d = d.withUser(u.getUserInfo());
                }
                return u.getPort() > 0 ? d.withPort(u.getPort()) : d;
            default:
                throw new InvalidPlanException(List.of("destination '" + uri + "' is not an s3:// or sftp:// URL"));
        }
    }
}
