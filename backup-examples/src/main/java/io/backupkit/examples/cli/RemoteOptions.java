package io.backupkit.examples.cli;

import io.backupkit.BackupPlan;
import io.backupkit.InvalidPlanException;
import io.backupkit.remote.Destinations;
import io.backupkit.remote.age.AgeEncryption;
import io.backupkit.remote.s3.S3Destination;
import io.backupkit.remote.sftp.SftpDestination;
import io.backupkit.spi.Destination;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The options of a remote {@code --dest} ({@code s3://bucket/prefix}, {@code sftp://user@host:port/path}) and of
 * age encryption, shared by every command that takes {@code --dest}.
 *
 * <pre>{@code
 * $ backupkit backup --source /srv/jellyfin --dest s3://backups/jellyfin --s3-endpoint http://nas:9000 \
 *       --s3-path-style --encrypt-to age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p
 * $ backupkit restore --dest sftp://backup@nas:2222/backups/plex --ssh-key ~/.ssh/id_ecdsa \
 *       --known-hosts ~/.ssh/known_hosts --identity key.txt --target /tmp/plex
 * }</pre>
 */
final class RemoteOptions {

    @Option(names = "--s3-endpoint", paramLabel = "URL",
            description = "S3-compatible server for an s3:// --dest (MinIO: http://host:9000). Default: AWS.")
    String s3Endpoint;

    @Option(names = "--s3-region", paramLabel = "REGION",
            description = "S3 region (default: AWS_REGION or the AWS profile; us-east-1 with --s3-endpoint).")
    String s3Region;

    @Option(names = "--s3-path-style", description = "Path-style S3 URLs (host/bucket/key), as MinIO needs.")
    boolean s3PathStyle;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "Private key for an sftp:// --dest.")
    Path sshKey;

    @Option(names = "--ssh-password-env", paramLabel = "VAR",
            description = "Environment variable holding the password for an sftp:// --dest.")
    String sshPasswordEnv;

    @Option(names = "--known-hosts", paramLabel = "FILE",
            description = "Known-hosts file that must hold the SFTP server's key (default ~/.ssh/known_hosts).")
    Path knownHosts;

    @Option(names = "--cache", paramLabel = "DIR",
            description = "Local folder where a remote --dest's snapshots are written before upload and downloaded "
                    + "before restore (default ~/.cache/backupkit/...).")
    Path cache;

    @Option(names = "--encrypt-to", paramLabel = "AGE_RECIPIENT",
            description = "Encrypt everything uploaded to a remote --dest to this age public key (age1...). "
                    + "Repeatable.")
    List<String> encryptTo = new ArrayList<>();

    @Option(names = "--identity", paramLabel = "FILE",
            description = "age identity file that decrypts an encrypted remote snapshot (restore, verify).")
    Path identity;

    /** @return whether {@code dest} names a remote destination rather than a folder */
    static boolean isRemote(String dest) {
        return dest != null && dest.matches("^[a-z0-9]+://.*");
    }

    /**
     * Sets the plan's destination: a folder, or a remote destination with these options.
     *
     * @param b the plan's builder
     * @param dest the {@code --dest} value
     * @param spec for usage errors
     */
    void apply(BackupPlan.Builder b, String dest, CommandSpec spec) {
        if (!isRemote(dest)) {
            if (!encryptTo.isEmpty() || identity != null) {
                throw new ParameterException(spec.commandLine(),
                        "--encrypt-to and --identity need a remote --dest (s3:// or sftp://)");
            }
            b.destination(dest);
            return;
        }
        try {
            b.destination(destination(dest, spec));
            if (cache != null) {
                b.cache(cache);
            }
            if (!encryptTo.isEmpty()) {
                AgeEncryption age = AgeEncryption.to(encryptTo.toArray(String[]::new));
                b.encryption(identity == null ? age : age.withIdentity(identity));
            } else if (identity != null) {
                b.encryption(AgeEncryption.identity(identity));
            }
        } catch (InvalidPlanException e) {
            throw new ParameterException(spec.commandLine(), String.join("; ", e.problems()));
        }
    }

    private Destination destination(String dest, CommandSpec spec) {
        Destination d = Destinations.parse(dest);
        if (d instanceof S3Destination s3) {
            if (sshKey != null || knownHosts != null || sshPasswordEnv != null) {
                throw new ParameterException(spec.commandLine(), "--ssh-key, --ssh-password-env and --known-hosts "
                        + "are for an sftp:// --dest");
            }
            if (s3Endpoint != null) {
                s3 = s3.withEndpoint(s3Endpoint);
            }
            if (s3Region != null) {
                s3 = s3.withRegion(s3Region);
            }
            return s3.withPathStyle(s3PathStyle);
        }
        SftpDestination sftp = (SftpDestination) d;
        if (s3Endpoint != null || s3Region != null || s3PathStyle) {
            throw new ParameterException(spec.commandLine(), "--s3-endpoint, --s3-region and --s3-path-style are "
                    + "for an s3:// --dest");
        }
        if (sshKey != null) {
            sftp = sftp.withKey(sshKey);
        }
        if (knownHosts != null) {
            sftp = sftp.withKnownHosts(knownHosts);
        }
        if (sshPasswordEnv != null) {
            String pw = System.getenv(sshPasswordEnv);
            if (pw == null || pw.isEmpty()) {
                throw new ParameterException(spec.commandLine(), "--ssh-password-env: environment variable "
                        + sshPasswordEnv + " is not set");
            }
            sftp = sftp.withPassword(pw);
        }
        return sftp;
    }
}
